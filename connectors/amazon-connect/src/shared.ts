// Helpers the three sources share: ARNs, case-insensitive keys, and turning vendor maps into props.
import {
  type Directory,
  InputError,
  normaliseDirection,
  PROP,
  type Props,
  RESERVED_FIELDS,
} from '@openconnect/core';

export interface AgentArn {
  arn: string;
  instanceId: string;
  userId: string;
  /** The instance's region, as the ARN names it: where DescribeUser must be asked. */
  region?: string;
}

const AGENT_ARN = /^arn:aws[a-z-]*:connect:([^:]*):[^:]*:instance\/([^/]+)\/agent\/([^/]+)$/;

/** Splits `arn:aws:connect:<region>:<account>:instance/<InstanceId>/agent/<UserId>`; undefined if it is not one. */
export function parseAgentArn(arn: string): AgentArn | undefined {
  const match = AGENT_ARN.exec(arn.trim());
  if (!match) return undefined;
  const [, region, instanceId, userId] = match;
  return { arn: arn.trim(), instanceId: instanceId!, userId: userId!, ...(region ? { region } : {}) };
}

/** The id at the end of a Connect ARN (queue/<id>, instance/<id>). */
export function arnId(arn: string | null | undefined): string | undefined {
  if (!arn) return undefined;
  const id = arn.split('/').pop();
  return id && id !== arn ? id : undefined;
}

/** The static directory wins: keyed by the full agent ARN, or by its user-id segment. */
export function fromDirectory(directory: Directory, arn: string | null | undefined): string | undefined {
  if (!arn) return undefined;
  const parsed = parseAgentArn(arn);
  return directory.get(arn) ?? (parsed ? directory.get(parsed.userId) : undefined);
}

/** Far deeper than any Amazon Connect event; deeper bodies are refused instead of exhausting the stack. */
export const MAX_DEPTH = 32;

/**
 * Lower-cases every object key, so `AgentInfo.AgentArn`, `agentInfo.agentArn` and `instanceARN` read
 * alike (AWS's own samples mix them). Maps named in `verbatim` keep their keys: they are user data.
 */
export function lowerKeys(value: unknown, verbatim: ReadonlySet<string> = new Set(), depth = 0): unknown {
  if (!value || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) throw new InputError(`the body is nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((item) => lowerKeys(item, verbatim, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const lower = key.toLowerCase();
    // First spelling wins when a body carries both `contactId` and `ContactId`; `__proto__` would set
    // the object's prototype instead of a key, so it is dropped.
    if (Object.hasOwn(out, lower) || lower === '__proto__') continue;
    out[lower] = verbatim.has(lower) ? child : lowerKeys(child, verbatim, depth + 1);
  }
  return out;
}

const reserved = new Set<string>([...RESERVED_FIELDS, PROP.lifecycle.toLowerCase()]);

/**
 * Contact attributes and flow parameters as props: scalar values only, and never a name that would
 * shadow agentid/jwt/crmid/event or the lifecycle prop the pipeline adds.
 */
export function vendorProps(
  map: Record<string, unknown> | null | undefined,
  skip: readonly string[] = [],
): Props {
  const out: Props = {};
  if (!map) return out;
  for (const [key, value] of Object.entries(map)) {
    if (!key || reserved.has(key.toLowerCase()) || skip.includes(key)) continue;
    if (typeof value === 'string' || typeof value === 'boolean') out[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
  }
  return out;
}

/** Adds only the props that have a value, so messages carry no empty strings. */
export function defined(props: Record<string, string | number | boolean | null | undefined>): Props {
  const out: Props = {};
  for (const [key, value] of Object.entries(props)) {
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  }
  return out;
}

/** VOICE/Voice → voice; CHAT → chat; TASK → task. */
export const channelOf = (channel: string | null | undefined) => channel?.toLowerCase() || undefined;

/** INBOUND → inbound; OUTBOUND, EXTERNAL_OUTBOUND, CALLBACK → outbound; TRANSFER, API... → none. */
export const directionOf = (method: string | null | undefined) => normaliseDirection(method ?? undefined);
