// `openconnect map`: a dry run of a connector on a recorded request. Prints the OpenConnect messages it
// would send (never the jwt). Authenticity is checked only with --verify and real --options secrets.
// It stays offline unless --online: a connector's remote look-ups fail and the user is told to use --directory.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type ConnectorDefinition,
  type ConnectorRuntime,
  createRuntime,
  handleFrame,
  handleRequest,
  type Outcome,
  type SubscriptionDefinition,
  OpenConnectError,
  type RecordedRequest,
  toInboundRequest,
} from '@openconnect/core';
import { blockNetwork } from '../offline.js';
import { EXIT, fail, type Io } from '../output.js';
import { UsageError } from '../settings.js';

export interface MapFlags {
  connector: string;
  request: string;
  directory?: string;
  options?: string;
  events?: string;
  module?: string;
  crmid?: string;
  verify: boolean;
  /** Let the connector's look-ups (DescribeUser, a Users API...) reach the network. Default false. */
  online: boolean;
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the ${what} file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function flatStringMap(value: unknown, what: string): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`the ${what} file must be a JSON object`);
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string')
      throw new UsageError(`the ${what} file must map strings to strings; "${key}" is not a string`);
  }
  return value as Record<string, string>;
}

async function loadConnector(flags: MapFlags): Promise<{ connector: ConnectorDefinition; source?: string }> {
  const [id, source] = flags.connector.split('/');
  let candidates: readonly ConnectorDefinition[];
  if (flags.module) {
    let loaded: { default?: ConnectorDefinition };
    try {
      loaded = (await import(pathToFileURL(resolve(flags.module)).href)) as typeof loaded;
    } catch (error) {
      throw new UsageError(`cannot load the connector module ${flags.module}: ${(error as Error).message}`);
    }
    if (!loaded.default?.sources)
      throw new UsageError(`${flags.module} has no default export made by defineConnector`);
    candidates = [loaded.default];
  } else {
    // Loaded only here, so `send`, `doctor` and `emulator` start without importing every connector.
    candidates = (await import('@openconnect/registry')).connectors;
  }
  const connector = candidates.find((c) => c.id === id);
  if (!connector) {
    throw new UsageError(
      `unknown connector "${id}"; known: ${candidates.map((c) => c.id).join(', ') || '(none)'}`,
    );
  }
  return { connector, ...(source ? { source } : {}) };
}

/** Secrets the dry run does not need: placeholders let the connector's config validate. */
function withPlaceholders(
  connector: ConnectorDefinition,
  options: Record<string, unknown>,
): Record<string, unknown> {
  const filled = { ...options };
  // Top-level keys only: a secret inside a list (agents.*.password) comes with the entry that holds it.
  for (const key of connector.secrets ?? [])
    if (!key.includes('.') && filled[key] === undefined)
      filled[key] = 'dry-run-placeholder-secret-0123456789';
  return filled;
}

/** The frames of a subscription's recorded file: `{frame}`, `{frames: [...]}`, a fixture's `{steps: [{frame}]}`, or the frame itself. */
function framesOf(file: unknown): unknown[] {
  if (file && typeof file === 'object' && !Array.isArray(file)) {
    const f = file as { frame?: unknown; frames?: unknown; steps?: unknown };
    if ('frame' in f) return [f.frame];
    if (Array.isArray(f.frames)) return f.frames;
    if (Array.isArray(f.steps)) return f.steps.map((step) => (step as { frame?: unknown })?.frame);
  }
  return [file];
}

export async function mapCommand(
  flags: MapFlags,
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { connector, source } = await loadConnector(flags);
  const file = readJson(flags.request, 'request');
  const subscription = source ? connector.subscriptions?.find((s) => s.id === source) : undefined;
  if (subscription) return mapFrames(connector, subscription, framesOf(file), flags, io, env);
  if (source && !connector.sources.some((s) => s.id === source)) {
    const subscriptions = connector.subscriptions?.map((s) => s.id) ?? [];
    throw new UsageError(
      `connector ${connector.id} has no source or subscription "${source}"; sources: ${connector.sources.map((s) => s.id).join(', ') || 'none'}${subscriptions.length ? `; subscriptions: ${subscriptions.join(', ')}` : ''}`,
    );
  }
  if (!file || typeof file !== 'object' || Array.isArray(file))
    throw new UsageError('the request file must be a JSON object { method, headers, query, body }');
  const recorded = (
    'request' in file ? (file as { request: RecordedRequest }).request : file
  ) as RecordedRequest;
  if (
    recorded.headers !== undefined &&
    (typeof recorded.headers !== 'object' || Array.isArray(recorded.headers))
  ) {
    throw new UsageError('"headers" in the request file must be an object');
  }
  let request: ReturnType<typeof toInboundRequest>;
  try {
    request = toInboundRequest(
      recorded,
      `http://localhost/webhooks/${connector.id}${source ? `/${source}` : ''}`,
    );
  } catch (error) {
    throw new UsageError(`the request file is not a recorded request: ${(error as Error).message}`);
  }
  let outcome: Outcome | undefined;
  const guard = await offline(connector, flags, async (runtime) => {
    outcome = await handleRequest(runtime, request, source, { verify: flags.verify });
  });
  return report(connector, outcome!, guard, flags, io, env);
}

/** Runs `work` on a runtime built from the flags, with the network blocked unless --online. */
async function offline(
  connector: ConnectorDefinition,
  flags: MapFlags,
  work: (runtime: ConnectorRuntime) => Promise<void>,
) {
  const options = flags.options ? (readJson(flags.options, 'options') as Record<string, unknown>) : {};
  const settings = (withOptions: Record<string, unknown>) => ({
    options: withOptions,
    directory: flags.directory ? flatStringMap(readJson(flags.directory, 'directory'), 'directory') : {},
    events: flags.events ? (readJson(flags.events, 'events') as Record<string, string | null>) : {},
  });
  // On before setup() runs, so neither building the services nor using them can reach the network.
  const guard = flags.online ? undefined : blockNetwork();
  try {
    let runtime: ConnectorRuntime;
    try {
      runtime = createRuntime(connector, settings(options));
    } catch (error) {
      if (!(error instanceof OpenConnectError)) throw error;
      // A dry run needs no secret, but a connector may require one to be set: try again with placeholders.
      // Not first: a placeholder can also switch on what needs more options (a session's password alone).
      if (flags.verify) throw new UsageError(`${error.message} (${error.hint})`);
      try {
        runtime = createRuntime(connector, settings(withPlaceholders(connector, options)));
      } catch (again) {
        if (again instanceof OpenConnectError) throw new UsageError(`${again.message} (${again.hint})`);
        throw again;
      }
    }
    await work(runtime);
  } finally {
    guard?.restore();
  }
  return guard;
}

/**
 * A subscription's recorded frames (what the vendor sent on its session), mapped in order on one runtime
 * as the runner would: a frame's state (a change-only platform) is seen by the next.
 */
async function mapFrames(
  connector: ConnectorDefinition,
  subscription: SubscriptionDefinition,
  frames: unknown[],
  flags: MapFlags,
  io: Io,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  if (!subscription.parse)
    throw new UsageError(`${connector.id}/${subscription.id} carries no events of its own: nothing to map`);
  const outcomes: Outcome[] = [];
  const guard = await offline(connector, flags, async (runtime) => {
    for (const frame of frames) {
      const outcome = await handleFrame(runtime, subscription, frame);
      outcomes.push(outcome);
      if (outcome.kind === 'failed' || outcome.kind === 'invalid') break;
    }
  });
  const stopped = outcomes.find((o) => o.kind === 'failed' || o.kind === 'invalid');
  if (stopped) return report(connector, stopped, guard, flags, io, env, true);
  if (outcomes.length === 1) return report(connector, outcomes[0]!, guard, flags, io, env, true);
  const crmid = flags.crmid ?? env.OPENCONNECT_CRMID ?? '<crmid>';
  io.out(
    JSON.stringify(
      {
        connector: connector.id,
        subscription: subscription.id,
        frames: outcomes.map((o) =>
          o.kind === 'accepted'
            ? {
                messages: o.messages.map((m) => ({
                  agentid: m.agentid,
                  crmid,
                  event: m.event,
                  props: m.props,
                })),
              }
            : { messages: [], ignored: 'reason' in o ? o.reason : o.kind },
        ),
      },
      null,
      2,
    ),
  );
  return EXIT.ok;
}

function report(
  connector: ConnectorDefinition,
  outcome: Outcome,
  guard: ReturnType<typeof blockNetwork> | undefined,
  flags: MapFlags,
  io: Io,
  env: NodeJS.ProcessEnv,
  frame = false,
): number {
  const crmid = flags.crmid ?? env.OPENCONNECT_CRMID ?? '<crmid>';
  switch (outcome.kind) {
    case 'accepted':
      io.out(
        JSON.stringify(
          {
            connector: connector.id,
            source: outcome.source,
            ...(outcome.eventId ? { eventId: outcome.eventId } : {}),
            messages: outcome.messages.map((m) => ({
              agentid: m.agentid,
              crmid,
              event: m.event,
              props: m.props,
            })),
            ...(outcome.skipped.length ? { skipped: outcome.skipped } : {}),
            ...(outcome.warnings.length ? { warnings: outcome.warnings } : {}),
          },
          null,
          2,
        ),
      );
      return EXIT.ok;
    case 'ignored':
      io.out(
        JSON.stringify(
          { connector: connector.id, source: outcome.source, messages: [], ignored: outcome.reason },
          null,
          2,
        ),
      );
      return EXIT.ok;
    case 'handshake':
      io.out(
        JSON.stringify(
          { connector: connector.id, source: outcome.source, messages: [], handshake: outcome.answer },
          null,
          2,
        ),
      );
      return EXIT.ok;
    default:
      fail(
        io,
        `${connector.id}${outcome.source ? `/${outcome.source}` : ''}: ${outcome.reason}${frame ? (outcome.kind === 'failed' ? ' (the runner tries the frame again)' : ' (a bad frame: the runner counts and skips it)') : ` (HTTP ${outcome.answer.status} to the vendor)`}`,
      );
      if (outcome.kind === 'failed' && !flags.online) {
        // Without an attempt the failure may be a look-up that gave up early (no region...) or a connector bug.
        const cause = guard?.attempts.length
          ? ` (it tried ${[...new Set(guard.attempts)].join(', ')}); `
          : ': if this connector needed one, ';
        io.err(
          `  offline: a dry run makes no remote look-ups${cause}add the platform user id → agentid to --directory, or pass --online to let the connector call its vendor API`,
        );
      }
      return outcome.kind === 'failed' ? EXIT.failed : EXIT.usage;
  }
}
