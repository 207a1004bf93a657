// `pnpm new-connector <id> [--name "Display Name"] [--no-install]`
// Writes a working connector folder (options, definition, one source, fixtures, a test calling the
// conformance kit, a README) and adds its one line to the registry. The result passes `pnpm test` as
// generated, and has no import cycle: sources import the options from src/config.ts, never index.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    'no-install': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const usage =
  'usage: pnpm new-connector <id> [--name "Display Name"] [--no-install]\n  id: lower-case letters, digits and dashes, e.g. acme-cloud';
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const id = positionals[0];
if (!id || !/^[a-z0-9][a-z0-9-]*$/.test(id)) {
  console.error(id ? `"${id}" is not a valid connector id.\n${usage}` : usage);
  process.exit(2);
}
const folder = join(root, 'connectors', id);
if (existsSync(folder)) {
  console.error(`connectors/${id} already exists; pick another id or edit it.`);
  process.exit(1);
}
const displayName =
  values.name ??
  id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
const camel = id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^[0-9]/, (d) => `c${d}`);

const files: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: `@openconnect/${id}`,
      version: '0.1.0',
      description: `${displayName} → OpenMethods OpenConnect`,
      type: 'module',
      license: 'MIT',
      exports: { '.': './src/index.ts' },
      scripts: { test: 'vitest run', typecheck: 'tsc -p tsconfig.json' },
      dependencies: { '@openconnect/core': 'workspace:*', zod: '^4.6.7' },
      devDependencies: { 'fast-check': '^4.10.2', vitest: '^4.1.12' },
    },
    null,
    2,
  )}\n`,
  'tsconfig.json': '{ "extends": "../../tsconfig.base.json", "include": ["src", "test"] }\n',
  'vitest.config.ts': `import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 } });
`,
  'stryker.config.mjs': `// Mutation testing for this connector: \`pnpm test:mutation ${id}\` from the repository root
// (docs/test-strength.md). Slow (minutes): not part of \`pnpm test\`; run before a release. Every connector: 85 %.
import { strykerConfig } from '../../scripts/stryker-config.mjs';

export default strykerConfig({ threshold: 85 });
`,
  'src/config.ts': `// ${displayName}'s options, as a deployment sets them. Sources import them from here; index.ts only assembles.
import { z } from 'zod';

export const config = z.object({
  /** The shared secret the vendor sends in the x-openconnect-token header. */
  token: z.string().min(16, 'token must be at least 16 characters'),
});
export type ${pascal(camel)}Config = z.output<typeof config>;
`,
  'src/index.ts': `// ${displayName}: every source this platform can send, verified and mapped to OpenConnect drafts.
import { defineConnector } from '@openconnect/core';
import { config } from './config.js';
import { webhook } from './webhook.js';

export default defineConnector({
  id: '${id}',
  displayName: '${displayName}',
  platforms: ['${displayName}'],
  config,
  secrets: ['token'],
  sources: [webhook],
});
`,
  'src/webhook.ts': `// The ${displayName} webhook: JSON call events. Replace the schema, the detector and the switch with the
// vendor's own field names and event types, and keep one behaviour per case.
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
import type { ${pascal(camel)}Config } from './config.js';

const event = z.object({
  type: z.string().min(1),
  id: z.string().min(1),
  agent: z.string().optional(),
  callId: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  queue: z.string().optional(),
});
type Event = z.output<typeof event>;

export const webhook = defineSource<Event, ${pascal(camel)}Config>({
  id: 'webhook',
  description: '${displayName} call events posted as JSON',
  // The description, the check and the signer (tests and fixtures are signed by it) from one declaration.
  ...tokenAuth<${pascal(camel)}Config>({ secret: 'token', in: [{ header: 'x-openconnect-token' }] }),
  // Tells this source's requests from those of the connector's other sources when the URL names none.
  detect: detectJson((body) => typeof (body as { type?: unknown }).type === 'string'),
  parse: (req) => parseWith(event, parseJson(req), '${displayName} event'),
  eventId: (e) => e.id,
  map(e) {
    const lifecycle = lifecycleOf(e.type);
    if (!lifecycle) return ignore(\`event type \${e.type} is not a call event this connector maps\`);
    if (!e.agent) return ignore(\`\${e.type} carries no agent yet\`);
    if (!e.callId) throw new InputError(\`\${e.type} has no callId\`, 'callId');
    return {
      agentid: e.agent,
      lifecycle,
      props: {
        [PROP.nativeEvent]: e.type,
        [PROP.interactionId]: e.callId,
        ...(e.from ? { [PROP.ani]: e.from } : {}),
        ...(e.to ? { [PROP.dnis]: e.to } : {}),
        ...(e.queue ? { [PROP.queue]: e.queue } : {}),
        // Every offered/answered names its leg (core/src/legs.ts): a call that is never moved is the primary one;
        // map the vendor's transfer, consult and conference fields to the other legs.
        ...(lifecycle === 'offered' || lifecycle === 'answered' ? legProps('primary') : {}),
      },
    };
  },
});

function lifecycleOf(type: string) {
  switch (type) {
    case 'call.ringing':
      return 'offered' as const;
    case 'call.answered':
      return 'answered' as const;
    case 'call.ended':
      return 'ended' as const;
    default:
      return undefined;
  }
}
`,
  'fixtures/webhook/call-answered.json': `${JSON.stringify(
    {
      description: 'an answered call pops the agent screen',
      request: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: {
          type: 'call.answered',
          id: 'evt-1001',
          agent: 'jdoe',
          callId: 'c-42',
          from: '+15551230001',
          to: '+18005550100',
          queue: 'Support',
        },
      },
      expect: {
        eventId: 'evt-1001',
        messages: [
          {
            agentid: 'jdoe',
            event: 'answered',
            lifecycle: 'answered',
            props: {
              lifecycle: 'answered',
              nativeEvent: 'call.answered',
              interactionId: 'c-42',
              ani: '+15551230001',
              dnis: '+18005550100',
              queue: 'Support',
              leg: 'primary',
            },
          },
        ],
      },
    },
    null,
    2,
  )}\n`,
  'fixtures/webhook/unknown-type.json': `${JSON.stringify(
    {
      description: 'an event type the connector does not map is ignored with a reason',
      request: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: { type: 'recording.ready', id: 'evt-1002', callId: 'c-42' },
      },
      expect: { ignored: 'recording.ready' },
    },
    null,
    2,
  )}\n`,
  'test/conformance.test.ts': `// The conformance kit over every fixture; it signs each request with its source's own signer.
import { join } from 'node:path';
import { runConformance } from '@openconnect/core/testing';
import connector from '../src/index.js';

runConformance({
  connector,
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings: { options: { token: 'test-token-0123456789' } },
});
`,
  'README.md': `# ${displayName} connector

Turns ${displayName} call events into OpenConnect messages, so a PopFlow runs for the right agent.

## Set up ${displayName}
1. In the ${displayName} admin console, add a webhook to \`https://<runner host>/webhooks/${id}\`.
2. Send the header \`x-openconnect-token\` with the secret you set as \`token\` in the runner config.

## Runner config
\`\`\`yaml
connectors:
  ${id}:
    options:
      token: \${${id.toUpperCase().replace(/-/g, '_')}_TOKEN}
\`\`\`

## Events
| ${displayName} event | lifecycle | default PopFlow event |
|---|---|---|
| call.ringing | offered | \`offered\` |
| call.answered | answered | \`answered\` |
| call.ended | ended | \`ended\` |
`,
};

for (const [path, content] of Object.entries(files)) {
  const target = join(folder, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}

const registry = join(root, 'connectors/registry/src/connectors.ts');
const lines = readFileSync(registry, 'utf8')
  .split('\n')
  .filter((line) => line.length);
const header = lines.filter((line) => line.startsWith('//'));
const entries = lines.filter((line) => !line.startsWith('//'));
entries.push(`export { default as ${camel} } from '@openconnect/${id}';`);
entries.sort((a, b) => a.localeCompare(b));
writeFileSync(registry, `${[...header, ...entries].join('\n')}\n`);
// The registry declares each connector as a workspace dependency, so `pnpm deploy` of the runner carries it.
const registryPackage = join(root, 'connectors/registry/package.json');
const manifest = JSON.parse(readFileSync(registryPackage, 'utf8')) as {
  dependencies: Record<string, string>;
};
manifest.dependencies[`@openconnect/${id}`] = 'workspace:*';
writeFileSync(registryPackage, `${JSON.stringify(manifest, null, 2)}\n`);

console.log(
  `created connectors/${id} and registered it in connectors/registry (src/connectors.ts and package.json)`,
);
if (!values['no-install']) {
  const result = spawnSync('pnpm', ['install', '--prefer-offline'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
console.log(
  `next: pnpm --filter @openconnect/${id} test, then follow CONTRIBUTING.md (pnpm new-source ${id} <id> adds a source)`,
);

function pascal(name: string) {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
