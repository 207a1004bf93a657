// Look-ups against the Amazon Connect API, built once per deployment by the connector's setup(config).
// EventBridge events name the agent only by ARN; DescribeUser turns it into the login, cached with a TTL.
import {
  ConnectClient,
  type ConnectClientConfig,
  DescribeContactCommand,
  DescribeUserCommand,
  GetContactAttributesCommand,
} from '@aws-sdk/client-connect';
import type { AgentArn } from './arns.js';
import { LOOKUP_DEFAULTS } from './config.js';

export interface ConnectLookups {
  /** The login behind an agent ARN; undefined when Connect has no such user. Throws when Connect cannot answer. */
  username(agent: AgentArn): Promise<string | undefined>;
  /** The contact's user-defined attributes; {} when the contact is unknown. Throws when Connect cannot answer. */
  contactAttributes(
    instanceId: string,
    initialContactId: string,
    region?: string,
  ): Promise<Record<string, string>>;
  /**
   * The contact's endpoints (DescribeContact): the customer's number and the contact center's; {} when
   * the contact is unknown. Throws when Connect cannot answer.
   */
  customerEndpoint(instanceId: string, contactId: string, region?: string): Promise<ContactEndpoints>;
}

export interface ContactEndpoints {
  /** Contact.CustomerEndpoint.Address: the caller inbound, the number dialled outbound. */
  customer?: string;
  /** Contact.SystemEndpoint.Address: the number dialled inbound, the caller id outbound. */
  system?: string;
}

export interface LookupOptions {
  region?: string;
  endpoint?: string;
  /** Only for tests: production takes credentials from the default AWS chain. */
  credentials?: ConnectClientConfig['credentials'];
  userCacheTtlMs?: number;
  notFoundTtlMs?: number;
  lookupTimeoutMs?: number;
  lookupMaxAttempts?: number;
  /** Clock for the cache, replaceable in tests. */
  now?: () => number;
}

/** Failing to reach Connect: the pipeline answers 503, so EventBridge delivers the event again later. */
export class ConnectLookupError extends Error {
  constructor(what: string, error: unknown) {
    const name = (error as Error)?.name ?? 'Error';
    const detail = (error as Error)?.message ?? String(error);
    super(
      `Amazon Connect ${what} failed (${name}: ${detail}); check the region, the network path to the Connect API and the IAM permissions connect:DescribeUser / connect:GetContactAttributes / connect:DescribeContact`,
    );
    this.name = 'ConnectLookupError';
  }
}

const isNotFound = (error: unknown) => (error as Error)?.name === 'ResourceNotFoundException';
const MAX_CACHED_USERS = 5000;

export function createConnectLookups(options: LookupOptions = {}): ConnectLookups {
  const now = options.now ?? Date.now;
  // One client per region. The configured region wins; otherwise the one the ARN names, since a runner's
  // AWS_REGION may be another region than the instance's (its look-ups would then find no user at all).
  const clients = new Map<string, ConnectClient>();
  function clientFor(arnRegion: string | undefined): ConnectClient {
    const region = options.region ?? arnRegion;
    const key = region ?? '';
    let client = clients.get(key);
    if (!client) {
      client = new ConnectClient({
        ...(region ? { region } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        maxAttempts: options.lookupMaxAttempts ?? LOOKUP_DEFAULTS.lookupMaxAttempts,
        requestHandler: {
          connectionTimeout: options.lookupTimeoutMs ?? LOOKUP_DEFAULTS.lookupTimeoutMs,
          requestTimeout: options.lookupTimeoutMs ?? LOOKUP_DEFAULTS.lookupTimeoutMs,
          // Without it the SDK's handler only logs a warning when requestTimeout passes and keeps waiting.
          throwOnRequestTimeout: true,
        },
      });
      clients.set(key, client);
    }
    return client;
  }
  const ttl = options.userCacheTtlMs ?? LOOKUP_DEFAULTS.userCacheTtlMs;
  const notFoundTtl = options.notFoundTtlMs ?? LOOKUP_DEFAULTS.notFoundTtlMs;
  // The promise is cached, so concurrent events for one agent share a single DescribeUser call.
  const users = new Map<string, { value: Promise<string | undefined>; expires: number }>();

  async function describeUser(agent: AgentArn): Promise<string | undefined> {
    try {
      const answer = await clientFor(agent.region).send(
        new DescribeUserCommand({ InstanceId: agent.instanceId, UserId: agent.userId }),
      );
      return answer.User?.Username || undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new ConnectLookupError(`DescribeUser for ${agent.arn}`, error);
    }
  }

  // A contact's endpoints never change: each contact is described once (while it is remembered).
  const endpoints = new Map<string, Promise<ContactEndpoints>>();
  async function describeContact(instanceId: string, contactId: string, region?: string) {
    try {
      const answer = await clientFor(region).send(
        new DescribeContactCommand({ InstanceId: instanceId, ContactId: contactId }),
      );
      const customer = answer.Contact?.CustomerEndpoint?.Address;
      const system = answer.Contact?.SystemEndpoint?.Address;
      return { ...(customer ? { customer } : {}), ...(system ? { system } : {}) };
    } catch (error) {
      if (isNotFound(error)) return {};
      throw new ConnectLookupError(`DescribeContact for contact ${contactId}`, error);
    }
  }

  return {
    customerEndpoint(instanceId, contactId, region) {
      const key = `${instanceId}/${contactId}`;
      const hit = endpoints.get(key);
      if (hit) return hit;
      if (endpoints.size >= MAX_CACHED_USERS) endpoints.delete(endpoints.keys().next().value!);
      const value = describeContact(instanceId, contactId, region);
      endpoints.set(key, value);
      // A failure is never remembered: the next event asks again.
      value.catch(() => endpoints.get(key) === value && endpoints.delete(key));
      return value;
    },

    username(agent) {
      const key = `${agent.instanceId}/${agent.userId}`;
      const hit = users.get(key);
      if (hit && hit.expires > now()) return hit.value;
      if (!hit && users.size >= MAX_CACHED_USERS) users.delete(users.keys().next().value!);
      const entry = { value: describeUser(agent), expires: Number.POSITIVE_INFINITY };
      users.set(key, entry);
      entry.value.then(
        (login) => {
          entry.expires = now() + (login === undefined ? notFoundTtl : ttl);
        },
        () => {
          // A failure is never remembered: the next event asks again.
          if (users.get(key) === entry) users.delete(key);
        },
      );
      return entry.value;
    },

    async contactAttributes(instanceId, initialContactId, region) {
      try {
        const answer = await clientFor(region).send(
          new GetContactAttributesCommand({ InstanceId: instanceId, InitialContactId: initialContactId }),
        );
        return answer.Attributes ?? {};
      } catch (error) {
        if (isNotFound(error)) return {};
        throw new ConnectLookupError(`GetContactAttributes for contact ${initialContactId}`, error);
      }
    },
  };
}
