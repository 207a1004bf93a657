// One vendor request → zero or more messages ready for the outbox. The runner, `openconnect map`, the
// Lambda handlers and the conformance kit all go through this one function, in this one order:
// pick source → verify → handshake → parse → map → name events → apply the prop policy → validate.
import {
  type ConnectorDefinition,
  type ConnectorSettings,
  type ConnectorSettingsInput,
  connectorSettingsSchema,
  type HttpAnswer,
  type SourceDefinition,
} from './connector.js';
import { createDirectory, type Directory, type Draft, isIgnored } from './mapping.js';
import { encodeRequest, postBytesAtMost } from './client.js';
import { dedupeKeyOf, type IdenticalRequest, identicalRequest } from './dedupe.js';
import { ConfigError, InputError, OpenConnectError } from './errors.js';
import { MAX_MESSAGE_BYTES, type Props, validateMessage } from './message.js';
import { type InboundRequest, withXmlLimits, type XmlLimits } from './request.js';
import { type Scrub, scrubAnswer, scrubberFor, scrubProps } from './scrub.js';
import { type SubscriptionDefinition, subscriptionEvents } from './subscription.js';
import {
  createMemoryStateStore,
  createStateTransaction,
  namespacedStateStore,
  type StateStore,
} from './state.js';
import { DEFAULT_EVENT_NAMES, type Lifecycle, PROP } from './vocabulary.js';

/** A connector bound to one deployment's settings. */
export interface ConnectorRuntime {
  connector: ConnectorDefinition;
  settings: ConnectorSettings;
  config: unknown;
  services: unknown;
  directory: Directory;
  state: StateStore;
  /**
   * Every secret scrubbed from what leaves: the connector config's, and the host's when it handed its list in
   * (RuntimeOptions.secrets), which is then this same list.
   */
  secrets: string[];
}

export interface RuntimeOptions {
  /** The host's state store; it is namespaced to the connector here. Default: in memory. */
  state?: StateStore;
  /** Replace the connector's services (look-ups), e.g. to point them at a local test server. */
  services?: unknown;
  /**
   * The host's list of secrets (the OpenConnect jwt, an admin token, a store password): the connector's own
   * are added to it, and the runtime scrubs all of it from messages and answers. A host that hands the same
   * list to every runtime has each scrub every secret it knows, other connectors' included.
   */
  secrets?: string[];
}

/** Binds a connector to its deployment settings; throws ConfigError listing every problem. */
export function createRuntime(
  connector: ConnectorDefinition,
  settingsInput: ConnectorSettingsInput = {},
  options: RuntimeOptions = {},
): ConnectorRuntime {
  const settingsResult = connectorSettingsSchema.safeParse(settingsInput);
  if (!settingsResult.success) {
    throw new ConfigError(
      `connector ${connector.id}: ${settingsResult.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      'fix the connector settings named above',
    );
  }
  const settings = settingsResult.data;
  const configResult = connector.config.safeParse(settings.options);
  if (!configResult.success) {
    throw new ConfigError(
      `connector ${connector.id} options: ${configResult.error.issues
        .map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`)
        .join('; ')}`,
      `see connectors/${connector.id}/README.md for the options it takes`,
    );
  }
  const config = configResult.data;
  const secrets = options.secrets ?? [];
  // Stryker disable next-line ArrayDeclaration: a made-up path finds no value in a config that has no such key
  for (const path of connector.secrets ?? [])
    for (const value of secretValues(config, path.split('.')))
      if (!secrets.includes(value)) secrets.push(value);
  return {
    connector,
    settings,
    config,
    services: options.services ?? connector.setup?.(config),
    directory: createDirectory(settings.directory),
    state: namespacedStateStore(options.state ?? createMemoryStateStore(), connector.id),
    secrets,
  };
}

/**
 * The string values at a secret's path in the config: a key (`token`), a dotted path, or one with `*` for
 * every entry of a list or record (`agents.*.password`, a password per agent).
 */
export function secretValues(value: unknown, path: string[]): string[] {
  if (!path.length) return typeof value === 'string' && value.length > 0 ? [value] : [];
  if (!value || typeof value !== 'object') return [];
  const [head, ...rest] = path;
  const children = head === '*' ? Object.values(value) : [(value as Record<string, unknown>)[head!]];
  return children.flatMap((child) => secretValues(child, rest));
}

/** A message ready for the outbox: everything but the jwt and crmid, which the sender adds. */
export interface PreparedMessage {
  connector: string;
  source: string;
  agentid: string;
  event: string;
  lifecycle: Lifecycle;
  props: Props;
  /**
   * Stable across vendor retries when the draft has a dedupeId or the source an event id, or, when the host
   * asks (HandleOptions.identicalRequestWindowMs), a digest of a request that has neither: the outbox stores
   * it once.
   */
  dedupeKey?: string;
  /** How long the outbox remembers this dedupeKey, when not for its own window: set for request digests. */
  dedupeWindowMs?: number;
}

export type Outcome =
  | {
      kind: 'accepted';
      source: string;
      eventId?: string;
      messages: PreparedMessage[];
      /** Drafts whose event is switched off in the deployment's event map. */
      skipped: { lifecycle: Lifecycle; reason: string }[];
      warnings: string[];
      answer: HttpAnswer;
      /** With options.deferState and an 'after-store' source: apply the mapping's state writes. */
      commitState?: () => Promise<void>;
    }
  | {
      kind: 'ignored';
      source: string;
      eventId?: string;
      reason: string;
      answer: HttpAnswer;
      commitState?: () => Promise<void>;
    }
  | { kind: 'handshake'; source: string; answer: HttpAnswer }
  | { kind: 'rejected'; source?: string; reason: string; answer: HttpAnswer }
  | { kind: 'invalid'; source?: string; reason: string; answer: HttpAnswer }
  | { kind: 'failed'; source?: string; reason: string; answer: HttpAnswer };

const json = (status: number, body: unknown): HttpAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

/** Picks the source named in the URL, or the one whose detect() recognises the request. */
export function selectSource(
  connector: ConnectorDefinition,
  req: InboundRequest,
  sourceId?: string,
): SourceDefinition | { error: string; status: number } {
  if (sourceId) {
    const named = connector.sources.find((s) => s.id === sourceId);
    return (
      named ?? {
        status: 404,
        error: `connector ${connector.id} has no source "${sourceId}"; its sources are ${connector.sources.map((s) => s.id).join(', ')}`,
      }
    );
  }
  if (connector.sources.length === 0) {
    const sessions = (connector.subscriptions ?? []).map((s) => s.id).join(', ');
    return {
      status: 404,
      error: `connector ${connector.id} takes no webhooks: its events come from the vendor sessions the runner holds (${sessions})`,
    };
  }
  if (connector.sources.length === 1) return connector.sources[0]!;
  for (const source of connector.sources) {
    try {
      // Stryker disable next-line OptionalChaining: calling a missing detect throws, which the catch below reads as "not mine", the same answer
      if (source.detect?.(req)) return source;
    } catch {
      // detect must not throw; a throwing detector simply does not claim the request.
    }
  }
  return {
    status: 400,
    error: `connector ${connector.id} could not tell which source sent this request; name it in the URL (/webhooks/${connector.id}/<source>, one of ${connector.sources.map((s) => s.id).join(', ')})`,
  };
}

export function resolveEventName(draft: Draft, events: Record<string, string | null>): string | null {
  const native = draft.props[PROP.nativeEvent];
  if (typeof native === 'string' && Object.hasOwn(events, native)) return events[native] ?? null;
  if (Object.hasOwn(events, draft.lifecycle)) return events[draft.lifecycle] ?? null;
  return draft.event ?? DEFAULT_EVENT_NAMES[draft.lifecycle];
}

export function applyPropPolicy(props: Props, policy: ConnectorSettings['props']): Props {
  const allowed = (name: string) =>
    !policy.allow ||
    policy.allow.some((rule) => (rule.endsWith('*') ? name.startsWith(rule.slice(0, -1)) : rule === name));
  const out: Props = {};
  for (const [name, value] of Object.entries(props)) {
    if (policy.drop.includes(name) || !allowed(name)) continue;
    out[Object.hasOwn(policy.rename, name) ? policy.rename[name]! : name] = value;
  }
  return out;
}

export interface HandleOptions {
  /** false only for dry runs (`openconnect map`): skips the authenticity check. Default true. */
  verify?: boolean;
  /**
   * The host stores messages after handleRequest returns and calls `commitState` once they are stored
   * (the runner). Otherwise state of 'after-store' sources is committed before handleRequest returns.
   */
  deferState?: boolean;
  /**
   * A request whose source gives no event id (and whose drafts no dedupeId) is keyed by a digest of its
   * bytes, remembered for this long: a proxy's retry of the same bytes is then stored once (hosts with an
   * outbox: the runner). Unset or 0: no key.
   */
  identicalRequestWindowMs?: number;
  /** How much XML the connector's parseXml reads for this request; default DEFAULT_XML_LIMITS. */
  xmlLimits?: XmlLimits;
}

/** Runs one vendor request through the connector. Never throws: every failure is an Outcome. */
export async function handleRequest(
  runtime: ConnectorRuntime,
  req: InboundRequest,
  sourceId?: string,
  options: HandleOptions = {},
): Promise<Outcome> {
  const outcome = await judgeRequest(runtime, req, sourceId, options);
  return scrubOutcome(outcome, scrubberFor(runtime.secrets));
}

async function judgeRequest(
  runtime: ConnectorRuntime,
  req: InboundRequest,
  sourceId: string | undefined,
  options: HandleOptions,
): Promise<Outcome> {
  const { connector } = runtime;
  const picked = selectSource(connector, req, sourceId);
  if ('error' in picked)
    return { kind: 'invalid', reason: picked.error, answer: json(picked.status, { error: picked.error }) };
  const source = picked;
  const methods = source.methods ?? ['POST'];
  if (!methods.includes(req.method.toUpperCase() as 'POST')) {
    const reason = `${connector.id}/${source.id} accepts ${methods.join(' and ')}, not ${req.method}`;
    return {
      kind: 'invalid',
      source: source.id,
      reason,
      answer: {
        ...json(405, { error: reason }),
        headers: { allow: methods.join(', '), 'content-type': 'application/json; charset=utf-8' },
      },
    };
  }
  try {
    const check =
      options.verify === false
        ? { ok: true as const }
        : await source.verify(req, { config: runtime.config, services: runtime.services });
    if (!check.ok) {
      const reason = scrubberFor(runtime.secrets)(check.reason);
      return {
        kind: 'rejected',
        source: source.id,
        reason,
        answer: json(401, { error: `unauthorized: ${reason}` }),
      };
    }
    const handshake = source.handshake?.(req, runtime.config);
    if (handshake) return { kind: 'handshake', source: source.id, answer: handshake };
    // Worked out only for a message that has neither its own dedupe id nor an event id (a digest of the body).
    let digest: { of?: IdenticalRequest } | undefined;
    const identical = () => {
      digest ??= { of: identicalRequest(req, options.identicalRequestWindowMs) };
      return digest.of;
    };
    return await mapEvent(
      runtime,
      source,
      readWith(runtime, source.id, () => withXmlLimits(options.xmlLimits, () => source.parse(req))),
      options,
      identical,
    );
  } catch (error) {
    return failureOutcome(runtime, source.id, error);
  }
}

/**
 * Runs one native frame of a subscription (a vendor session the host holds) through the same path as a
 * webhook request after its authenticity is settled: parse → map → name events → prop policy → validate.
 * Never throws. A frame the subscription cannot read is `invalid` (a bad frame: counted, skipped).
 */
export async function handleFrame(
  runtime: ConnectorRuntime,
  subscription: SubscriptionDefinition,
  frame: unknown,
  options: HandleOptions = {},
): Promise<Outcome> {
  const events = subscriptionEvents(subscription);
  if (!events) {
    const reason = `${runtime.connector.id}/${subscription.id} delivers no events of its own`;
    return { kind: 'invalid', source: subscription.id, reason, answer: json(400, { error: reason }) };
  }
  let outcome: Outcome;
  try {
    outcome = await mapEvent(
      runtime,
      events,
      readWith(runtime, subscription.id, () => events.parse(frame)),
      options,
    );
  } catch (error) {
    outcome = failureOutcome(runtime, subscription.id, error);
  }
  return scrubOutcome(outcome, scrubberFor(runtime.secrets));
}

/** What maps a parsed native event: a webhook source, or a subscription that carries events. */
interface EventHandler {
  id: string;
  eventId?: (event: any) => string | undefined;
  map: SourceDefinition['map'];
  respond?: SourceDefinition['respond'];
  stateWrites?: SourceDefinition['stateWrites'];
}

// parse is pure: whatever it throws comes from the input itself (a RangeError from absurd nesting, say),
// so the vendor must not retry it for a day; a 400 (or a skipped frame), not a retryable 503.
function readWith(runtime: ConnectorRuntime, id: string, parse: () => unknown): unknown {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `${runtime.connector.id}/${id} could not read the request: ${(error as Error)?.message ?? String(error)}`,
    );
  }
}

async function mapEvent(
  runtime: ConnectorRuntime,
  handler: EventHandler,
  event: unknown,
  options: HandleOptions,
  identical?: () => IdenticalRequest | undefined,
): Promise<Outcome> {
  const eventId = handler.eventId?.(event);
  // A failed mapping or a refused message leaves an 'after-store' handler's state untouched.
  const transaction =
    handler.stateWrites === 'after-store' ? createStateTransaction(runtime.state) : undefined;
  const result = await handler.map(event, {
    config: runtime.config,
    directory: runtime.directory,
    state: transaction?.view ?? runtime.state,
    services: runtime.services,
  });
  let commit: { commitState?: () => Promise<void> } = {};
  const settle = async () => {
    if (!transaction) return;
    if (options.deferState) commit = { commitState: () => transaction.commit() };
    else await transaction.commit();
  };
  if (isIgnored(result)) {
    const answer =
      handler.respond?.({ delivered: 0, ignored: result.ignored }) ??
      json(200, { status: 'ignored', reason: result.ignored });
    await settle();
    return {
      kind: 'ignored',
      source: handler.id,
      ...(eventId ? { eventId } : {}),
      reason: result.ignored,
      answer,
      ...commit,
    };
  }
  const drafts = Array.isArray(result) ? result : [result];
  const prepared = prepareMessages(runtime, handler.id, drafts, eventId, identical);
  const delivered = prepared.messages.length;
  const answer = handler.respond?.({ delivered }) ?? json(200, { status: 'accepted', messages: delivered });
  await settle();
  return {
    kind: 'accepted',
    source: handler.id,
    ...(eventId ? { eventId } : {}),
    ...prepared,
    answer,
    ...commit,
  };
}

function failureOutcome(runtime: ConnectorRuntime, id: string, error: unknown): Outcome {
  const clean = scrubberFor(runtime.secrets);
  if (error instanceof InputError) {
    const reason = clean(error.message);
    return { kind: 'invalid', source: id, reason, answer: json(400, { error: reason }) };
  }
  if (error instanceof OpenConnectError && error.code === 'payload_too_large') {
    const reason = clean(error.message);
    return { kind: 'invalid', source: id, reason, answer: json(413, { error: reason, hint: error.hint }) };
  }
  // A look-up that failed (network, vendor API down) or a connector bug: the vendor should retry later.
  const reason = clean(
    `${runtime.connector.id}/${id} could not process the request: ${(error as Error)?.message ?? String(error)}`,
  );
  return { kind: 'failed', source: id, reason, answer: json(503, { error: reason }) };
}

/** Whatever the vendor is told or the host logs (reasons, answers, ids) carries no secret either. */
function scrubOutcome(outcome: Outcome, scrub: Scrub): Outcome {
  const clean = { ...outcome, answer: scrubAnswer(outcome.answer, scrub) } as Outcome;
  if ('reason' in clean) clean.reason = scrub(clean.reason);
  // Stryker disable next-line ConditionalExpression: scrubbing an absent id leaves it absent (undefined)
  if ('eventId' in clean && clean.eventId !== undefined) clean.eventId = scrub(clean.eventId);
  // Stryker disable next-line ConditionalExpression,StringLiteral,BlockStatement: defence in depth: prepareMessages already scrubbed the agent and event the warnings quote, and skip reasons name only lifecycles
  if (clean.kind === 'accepted') {
    clean.warnings = clean.warnings.map(scrub);
    clean.skipped = clean.skipped.map((s) => ({ ...s, reason: scrub(s.reason) }));
  }
  return clean;
}

/** Names the events, applies the prop policy and validates each draft into a PreparedMessage. */
export function prepareMessages(
  runtime: ConnectorRuntime,
  source: string,
  drafts: Draft[],
  eventId?: string,
  identical?: () => IdenticalRequest | undefined,
): { messages: PreparedMessage[]; skipped: { lifecycle: Lifecycle; reason: string }[]; warnings: string[] } {
  const scrub = scrubberFor(runtime.secrets);
  const messages: PreparedMessage[] = [];
  const skipped: { lifecycle: Lifecycle; reason: string }[] = [];
  const warnings: string[] = [];
  drafts.forEach((draft, index) => {
    const named = resolveEventName(draft, runtime.settings.events);
    if (named === null) {
      skipped.push({ lifecycle: draft.lifecycle, reason: `the event map switches off ${draft.lifecycle}` });
      return;
    }
    const event = scrub(named);
    const agentid = scrub(draft.agentid);
    const props = scrubProps(
      applyPropPolicy({ [PROP.lifecycle]: draft.lifecycle, ...draft.props }, runtime.settings.props),
      scrub,
    );
    let validated: ReturnType<typeof validateMessage>;
    try {
      // Placeholders stand in for the jwt and crmid, which only the sender holds.
      validated = validateMessage({ agentid, jwt: 'x'.repeat(64), crmid: 'x'.repeat(64), event, props });
    } catch (error) {
      throw new InputError((error as Error).message);
    }
    // Encoded (and refused with the largest props named) only when the bound says it could pass 128 KB. Encoding
    // every message, or one exactly at the bound, gives the same answers, only slower.
    // Stryker disable next-line EqualityOperator,ConditionalExpression: only slower (above)
    if (postBytesAtMost(validated.message) > MAX_MESSAGE_BYTES)
      encodeRequest(validated.message, {
        // Stryker disable next-line StringLiteral: a POST's size is its body's; the URL is not counted
        baseUrl: 'http://localhost/',
        method: 'POST',
      });
    warnings.push(...validated.warnings);
    const { dedupeKey, dedupeWindowMs } = dedupeKeyOf(
      `${runtime.connector.id}/${source}`,
      draft,
      index,
      drafts.length,
      {
        ...(eventId ? { eventId } : {}),
        ...(identical ? { identical } : {}),
      },
    );
    messages.push({
      connector: runtime.connector.id,
      source,
      agentid,
      event,
      lifecycle: draft.lifecycle,
      props: validated.message.props,
      ...(dedupeKey ? { dedupeKey: scrub(dedupeKey) } : {}),
      ...(dedupeWindowMs ? { dedupeWindowMs } : {}),
    });
  });
  return { messages, skipped, warnings };
}
