// `openconnect map`: a dry run of a connector on a recorded request. Prints the OpenConnect messages it
// would send (never the jwt). Authenticity is checked only with --verify and real --options secrets.
// It stays offline unless --online: a connector's remote look-ups fail and the user is told to use --directory.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type ConnectorDefinition,
  createRuntime,
  handleRequest,
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
    throw new UsageError(`cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the ${what} file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function flatStringMap(value: unknown, what: string): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`the ${what} file must be a JSON object`);
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw new UsageError(`the ${what} file must map strings to strings; "${key}" is not a string`);
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
    if (!loaded.default?.sources) throw new UsageError(`${flags.module} has no default export made by defineConnector`);
    candidates = [loaded.default];
  } else {
    // Loaded only here, so `send`, `doctor` and `emulator` start without importing every connector.
    candidates = (await import('@openconnect/registry')).connectors;
  }
  const connector = candidates.find((c) => c.id === id);
  if (!connector) {
    throw new UsageError(`unknown connector "${id}"; known: ${candidates.map((c) => c.id).join(', ') || '(none)'}`);
  }
  return { connector, ...(source ? { source } : {}) };
}

/** Secrets the dry run does not need: placeholders let the connector's config validate. */
function withPlaceholders(connector: ConnectorDefinition, options: Record<string, unknown>): Record<string, unknown> {
  const filled = { ...options };
  for (const key of connector.secrets ?? []) if (filled[key] === undefined) filled[key] = 'dry-run-placeholder-secret-0123456789';
  return filled;
}

export async function mapCommand(flags: MapFlags, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { connector, source } = await loadConnector(flags);
  const file = readJson(flags.request, 'request');
  if (!file || typeof file !== 'object' || Array.isArray(file)) throw new UsageError('the request file must be a JSON object { method, headers, query, body }');
  const recorded = ('request' in file ? (file as { request: RecordedRequest }).request : file) as RecordedRequest;
  if (recorded.headers !== undefined && (typeof recorded.headers !== 'object' || Array.isArray(recorded.headers))) {
    throw new UsageError('"headers" in the request file must be an object');
  }
  let request: ReturnType<typeof toInboundRequest>;
  try {
    request = toInboundRequest(recorded, `http://localhost/webhooks/${connector.id}${source ? `/${source}` : ''}`);
  } catch (error) {
    throw new UsageError(`the request file is not a recorded request: ${(error as Error).message}`);
  }
  const options = flags.options ? (readJson(flags.options, 'options') as Record<string, unknown>) : {};
  const settings = {
    options: flags.verify ? options : withPlaceholders(connector, options),
    directory: flags.directory ? flatStringMap(readJson(flags.directory, 'directory'), 'directory') : {},
    events: flags.events ? (readJson(flags.events, 'events') as Record<string, string | null>) : {},
  };
  // On before setup() runs, so neither building the services nor using them can reach the network.
  const guard = flags.online ? undefined : blockNetwork();
  let outcome: Awaited<ReturnType<typeof handleRequest>>;
  try {
    let runtime: ReturnType<typeof createRuntime>;
    try {
      runtime = createRuntime(connector, settings);
    } catch (error) {
      if (error instanceof OpenConnectError) throw new UsageError(`${error.message} (${error.hint})`);
      throw error;
    }
    outcome = await handleRequest(runtime, request, source, { verify: flags.verify });
  } finally {
    guard?.restore();
  }
  const crmid = flags.crmid ?? env.OPENCONNECT_CRMID ?? '<crmid>';
  switch (outcome.kind) {
    case 'accepted':
      io.out(
        JSON.stringify(
          {
            connector: connector.id,
            source: outcome.source,
            ...(outcome.eventId ? { eventId: outcome.eventId } : {}),
            messages: outcome.messages.map((m) => ({ agentid: m.agentid, crmid, event: m.event, props: m.props })),
            ...(outcome.skipped.length ? { skipped: outcome.skipped } : {}),
            ...(outcome.warnings.length ? { warnings: outcome.warnings } : {}),
          },
          null,
          2,
        ),
      );
      return EXIT.ok;
    case 'ignored':
      io.out(JSON.stringify({ connector: connector.id, source: outcome.source, messages: [], ignored: outcome.reason }, null, 2));
      return EXIT.ok;
    case 'handshake':
      io.out(JSON.stringify({ connector: connector.id, source: outcome.source, messages: [], handshake: outcome.answer }, null, 2));
      return EXIT.ok;
    default:
      fail(io, `${connector.id}${outcome.source ? `/${outcome.source}` : ''}: ${outcome.reason} (HTTP ${outcome.answer.status} to the vendor)`);
      if (outcome.kind === 'failed' && !flags.online) {
        // Without an attempt the failure may be a look-up that gave up early (no region...) or a connector bug.
        const cause = guard?.attempts.length ? ` (it tried ${[...new Set(guard.attempts)].join(', ')}); ` : ': if this connector needed one, ';
        io.err(
          `  offline: a dry run makes no remote look-ups${cause}add the platform user id → agentid to --directory, or pass --online to let the connector call its vendor API`,
        );
      }
      return outcome.kind === 'failed' ? EXIT.failed : EXIT.usage;
  }
}
