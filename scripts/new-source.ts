// `pnpm new-source <connector> <id> [--secret <option>]`
// Adds a source to an existing connector: src/<id>.ts (a JSON source checked with core's tokenAuth and told
// apart from the connector's other sources by detectJson), fixtures/<id>/ with one mapped and one ignored
// request, and the source in the connector's `sources: [...]` (src/index.ts). The connector passes its
// conformance test as it was before, plus the new fixtures, and typechecks as generated.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    secret: { type: 'string', default: 'token' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const usage = [
  'usage: pnpm new-source <connector> <id> [--secret <option>]',
  '  connector: a folder of connectors/, e.g. acme-cloud',
  '  id: the new source, lower-case letters, digits and dashes, e.g. crm-events',
  '  --secret: the connector option holding the token this source checks (default: token)',
].join('\n');
if (values.help) {
  console.log(usage);
  process.exit(0);
}

/** Stops with a message: 2 for a wrong command line, 1 for a request that cannot be done. */
function refuse(message: string, code: 1 | 2 = 1): never {
  console.error(message);
  process.exit(code);
}

const [connectorId, id] = positionals;
if (!connectorId || !id || positionals.length > 2) refuse(usage, 2);
if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) refuse(`"${id}" is not a valid source id.\n${usage}`, 2);

const connectors = join(root, 'connectors');
const folder = join(connectors, connectorId);
const indexFile = join(folder, 'src/index.ts');
const configFile = join(folder, 'src/config.ts');
if (!existsSync(indexFile)) {
  const known = readdirSync(connectors).filter(
    (name) => existsSync(join(connectors, name, 'src/index.ts')) && name !== 'registry',
  );
  refuse(`no connector "${connectorId}" in connectors/; the connectors are ${known.join(', ')}`);
}

const camel = id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^[0-9]/, (d) => `s${d}`);
const index = readFileSync(indexFile, 'utf8');
if (existsSync(join(folder, 'src', `${id}.ts`)) || existsSync(join(folder, 'fixtures', id)))
  refuse(
    `connectors/${connectorId} already has a source "${id}" (src/${id}.ts or fixtures/${id}/); pick another id`,
  );
if (new RegExp(`\\b${camel}\\b`).test(index))
  refuse(`connectors/${connectorId}/src/index.ts already names "${camel}"; pick another id`);

// The new source reads the connector's options from src/config.ts, as every source does (no import cycle).
if (!existsSync(configFile))
  refuse(
    `connectors/${connectorId} has no src/config.ts: move its config schema and type there first (see CONTRIBUTING.md)`,
  );
const configText = readFileSync(configFile, 'utf8');
const configType = configText.match(/export type (\w+) = z\.output<typeof config>/)?.[1];
if (!configType)
  refuse(
    `connectors/${connectorId}/src/config.ts exports no "export type <Name>Config = z.output<typeof config>"`,
  );
const secret = values.secret;
if (!new RegExp(`^\\s*${secret}\\??\\s*:`, 'm').test(configText))
  refuse(
    `connectors/${connectorId}/src/config.ts has no option "${secret}": name the option that holds this source's token with --secret <option>`,
  );

const sourcesList = /sources:\s*\[([^\]]*)\]/;
const listed = index.match(sourcesList);
if (!listed || index.match(new RegExp(sourcesList, 'g'))!.length !== 1)
  refuse(`connectors/${connectorId}/src/index.ts has no single "sources: [...]" to add "${camel}" to`);
const existing = listed[1]!
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);

const source = `// The ${id} source: JSON events posted with a shared token. Replace the schema, the detector and the
// switch with the vendor's own field names and event types, and keep one behaviour per case.
import {
  defineSource,
  detectJson,
  ignore,
  InputError,
  legProps,
  parseJson,
  parseWith,
  PROP,
  tokenAuth,
} from '@openconnect/core';
import { z } from 'zod';
import type { ${configType} } from './config.js';

const event = z.object({
  event: z.string().min(1),
  eventId: z.string().min(1),
  agent: z.object({ login: z.string().min(1) }).optional(),
  call: z
    .object({ id: z.string().min(1), from: z.string().optional(), to: z.string().optional() })
    .optional(),
});
type Event = z.output<typeof event>;

export const ${camel} = defineSource<Event, ${configType}>({
  id: '${id}',
  description: '${id} events posted as JSON',
  // The description, the check and the signer (tests and fixtures are signed by it) from one declaration.
  ...tokenAuth<${configType}>({ secret: '${secret}', in: [{ header: 'x-openconnect-token' }] }),
  // Tells this source's requests from those of the connector's other sources when the URL names none.
  detect: detectJson((body) => typeof (body as { event?: unknown }).event === 'string'),
  parse: (req) => parseWith(event, parseJson(req), '${id} event'),
  eventId: (e) => e.eventId,
  map(e) {
    const lifecycle = lifecycleOf(e.event);
    if (!lifecycle) return ignore(\`event \${e.event} is not a call event this source maps\`);
    if (!e.agent) return ignore(\`\${e.event} carries no agent yet\`);
    if (!e.call) throw new InputError(\`\${e.event} has no call\`, 'call');
    return {
      agentid: e.agent.login,
      lifecycle,
      props: {
        [PROP.nativeEvent]: e.event,
        [PROP.interactionId]: e.call.id,
        ...(e.call.from ? { [PROP.ani]: e.call.from } : {}),
        ...(e.call.to ? { [PROP.dnis]: e.call.to } : {}),
        // Every offered/answered names its leg (core/src/legs.ts): a call that is never moved is the primary one;
        // map the vendor's transfer, consult and conference fields to the other legs.
        ...(lifecycle === 'offered' || lifecycle === 'answered' ? legProps('primary') : {}),
      },
    };
  },
});

function lifecycleOf(name: string) {
  switch (name) {
    case 'call.offered':
      return 'offered' as const;
    case 'call.connected':
      return 'answered' as const;
    case 'call.disconnected':
      return 'ended' as const;
    default:
      return undefined;
  }
}
`;

// No credential in the fixtures: the conformance kit signs each request with the source's own signer.
const fixture = (description: string, body: unknown, expect: unknown) =>
  `${JSON.stringify({ description, request: { method: 'POST', headers: { 'content-type': 'application/json' }, body }, expect }, null, 2)}\n`;

const files: Record<string, string> = {
  [`src/${id}.ts`]: source,
  [`fixtures/${id}/call-connected.json`]: fixture(
    'a connected call pops the agent screen',
    {
      event: 'call.connected',
      eventId: 'evt-2001',
      agent: { login: 'jdoe' },
      call: { id: 'c-77', from: '+15551230002', to: '+18005550101' },
    },
    {
      eventId: 'evt-2001',
      messages: [
        {
          agentid: 'jdoe',
          event: 'answered',
          lifecycle: 'answered',
          props: {
            lifecycle: 'answered',
            nativeEvent: 'call.connected',
            interactionId: 'c-77',
            ani: '+15551230002',
            dnis: '+18005550101',
            leg: 'primary',
          },
        },
      ],
    },
  ),
  [`fixtures/${id}/unknown-event.json`]: fixture(
    'an event this source does not map is ignored with a reason',
    { event: 'queue.statistics', eventId: 'evt-2002' },
    { ignored: 'queue.statistics' },
  ),
};

for (const [path, content] of Object.entries(files)) {
  const target = join(folder, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}

// The import after the last import of index.ts, the source at the end of `sources: [...]`.
const lines = index.split('\n');
const lastImport = lines.reduce(
  (last, line, at) => (/^import\b.*;\s*$/.test(line) || /^\}\s*from\s.*;\s*$/.test(line) ? at : last),
  -1,
);
lines.splice(lastImport + 1, 0, `import { ${camel} } from './${id}.js';`);
writeFileSync(
  indexFile,
  lines.join('\n').replace(sourcesList, `sources: [${[...existing, camel].join(', ')}]`),
);

console.log(
  `added the source ${id} to connectors/${connectorId}: src/${id}.ts, fixtures/${id}/, and "${camel}" in sources`,
);
// With two sources or more the runner picks one by detect() when the URL names none.
const undetected = existing.filter((name) => {
  const from = index.match(
    new RegExp(`import\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*'\\./([^']+)\\.js'`),
  )?.[1];
  const file =
    from && [join(folder, 'src', `${from}.ts`), join(folder, 'src', from, 'index.ts')].find(existsSync);
  return file && !/\bdetect\b/.test(readFileSync(file, 'utf8'));
});
if (undetected.length)
  console.log(
    `note: give ${undetected.join(', ')} a detect (detectJson) too, so the runner can tell the sources apart when the URL names none`,
  );
console.log(
  `next: pnpm --filter @openconnect/${connectorId} test; the vendor side posts to /webhooks/${connectorId}/${id} with the header x-openconnect-token = option ${secret}`,
);
