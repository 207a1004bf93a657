// The production artefacts, started for real: the pruned `pnpm deploy --prod` folder with plain `node`
// (no tsx), and the container image built from the root Dockerfile and run as PID 1, non-root, with its
// HEALTHCHECK. Both take a signed Twilio webhook to an OpenConnect emulator and exit 0 on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toInboundRequest, type RecordedRequest } from '@openconnect/core';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { startPulsarEmulator } from '@openconnect/8x8/emulators';
import { startWorkspaceEmulator, WORKSPACE_EMULATOR_ACCOUNTS } from '@openconnect/genesys/emulators';
import { findConnector } from '@openconnect/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildkitDocker, docker, ensureBaseImage, ensureDocker, exec } from './helpers/docker.js';
import { freePort } from './helpers/ports.js';
import { ADMIN_TOKEN, CRMID, ref, TEST_JWT, until } from './helpers/runner.js';

const repo = path.join(import.meta.dirname, '../../..');
const AUTH_TOKEN = 'twilio-auth-token-0123456789abcdef';
const fixture = (name: string) =>
  (
    JSON.parse(readFileSync(path.join(repo, 'connectors/twilio-flex/fixtures/taskrouter', name), 'utf8')) as {
      request: RecordedRequest;
    }
  ).request;

/** The fixture as Twilio would send it to `publicUrl`, signed with the Auth Token by the connector's own signer. */
function twilioRequest(publicUrl: string) {
  const connector = findConnector('twilio-flex')!;
  const source = connector.sources.find((s) => s.id === 'taskrouter')!;
  const url = `${publicUrl}/webhooks/twilio-flex/taskrouter`;
  const signed = source.sign!(
    toInboundRequest({ ...fixture('reservation-accepted.json'), url }, url),
    connector.config.parse({ authToken: AUTH_TOKEN }),
  );
  return fetch(signed.url, {
    method: signed.method,
    headers: signed.headers,
    body: new Uint8Array(signed.rawBody),
  });
}

/** A config file a production deployment would mount: secrets as ${NAME} references to the environment. */
function writeConfig(dir: string, emulator: Emulator, port: number) {
  const file = path.join(dir, 'runner.json');
  writeFileSync(
    file,
    JSON.stringify({
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      openconnect: { url: emulator.endpoint, jwt: ref('OPENCONNECT_JWT'), crmid: CRMID, timeoutMs: 2000 },
      connectors: { 'twilio-flex': { options: { authToken: ref('TWILIO_AUTH_TOKEN') } } },
    }),
  );
  return file;
}

const healthy = (url: string) =>
  fetch(`${url}/healthz`).then(
    (r) => r.ok,
    () => false,
  );

let work: string;
let context: string;
let emulator: Emulator;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runner-image-'));
  context = path.join(work, 'context');
  emulator = await startEmulator({ jwts: [TEST_JWT] });
  // What the Dockerfile's build stage runs: build, `pnpm deploy --prod`, the CLI, the data folder.
  const prepared = await exec(process.execPath, [path.join(repo, 'scripts/image-context.mjs'), context]);
  expect(prepared.code, prepared.out).toBe(0);
}, 180_000);

afterAll(async () => {
  await emulator?.close();
  rmSync(work, { recursive: true, force: true });
});

/** `node <deploy folder>/dist/main.js` with only what a server would set; resolves once /healthz answers. */
async function startDeployed(config: Record<string, unknown>, env: Record<string, string>) {
  const port = await freePort();
  const file = path.join(work, `deployed-${port}.json`);
  writeFileSync(file, JSON.stringify({ port, publicUrl: `http://127.0.0.1:${port}`, ...config }));
  const output: string[] = [];
  const child = spawn(process.execPath, [path.join(context, 'app/dist/main.js')], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? '',
      CONFIG: file,
      HOST: '127.0.0.1',
      OUTBOX: `sqlite:${path.join(work, `outbox-${port}.db`)}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  for (const stream of [child.stdout!, child.stderr!])
    stream.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await until(() => healthy(url), 20_000, 'the deployed runner to answer /healthz').catch((error: Error) => {
    throw new Error(`${error.message}\n${output.join('')}`);
  });
  return { url, child, exited, output };
}
const children: ChildProcess[] = [];

describe('the pnpm deploy folder', () => {
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('holds no TypeScript loader: production runs the compiled dist/main.js', () => {
    const app = path.join(context, 'app');
    expect(existsSync(path.join(app, 'dist/main.js'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(path.join(app, 'src'))).toBe(false);
  });

  it('carries the compiled CLI, which maps a recorded request with node alone', async () => {
    const file = path.join(repo, 'connectors/twilio-flex/fixtures/taskrouter/reservation-accepted.json');
    const expected = (
      JSON.parse(readFileSync(file, 'utf8')) as {
        expect: { messages: { agentid: string; event: string; props: unknown }[] };
      }
    ).expect.messages[0]!;
    const mapped = await exec(process.execPath, [
      path.join(context, 'app/cli/main.js'),
      'map',
      '--connector',
      'twilio-flex/taskrouter',
      '--request',
      file,
    ]);
    expect(mapped.code, mapped.out).toBe(0);
    const [message] = (JSON.parse(mapped.out) as { messages: unknown[] }).messages;
    expect(message).toMatchObject({
      agentid: expected.agentid,
      event: expected.event,
      props: expected.props,
    });
  });

  it('starts with node, delivers a signed webhook to OpenConnect, and exits 0 on SIGTERM', async () => {
    emulator.reset();
    const { url, child, exited, output } = await startDeployed(
      {
        openconnect: { url: emulator.endpoint, jwt: ref('OPENCONNECT_JWT'), crmid: CRMID, timeoutMs: 2000 },
        connectors: { 'twilio-flex': { options: { authToken: ref('TWILIO_AUTH_TOKEN') } } },
      },
      { OPENCONNECT_JWT: TEST_JWT, TWILIO_AUTH_TOKEN: AUTH_TOKEN },
    );
    const res = await twilioRequest(url);
    expect(res.status, await res.text()).toBe(204);
    const [message] = await emulator.waitFor(1, 10_000);
    expect(message).toMatchObject({ agentid: 'ann.veal@example.com', event: 'answered', crmid: CRMID });
    expect(message!.props.interactionId).toBe('WTa1b2c3d4e5f60718293a4b5c6d7e8f90');

    const stopping = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(output.join('')).toContain('runner stopped');
  }, 60_000);

  // The session clients load code at run time that a bundle could miss: CometD (Genesys PureEngage) and
  // Pulsar over WebSocket (8x8), each against its vendor emulator.
  it('holds a CometD and a Pulsar WebSocket session from the bundle and pops an 8x8 event', async () => {
    emulator.reset();
    const workspace = await startWorkspaceEmulator({ longPollMs: 400 });
    const pulsar = await startPulsarEmulator({ idleTimeoutMs: 0 });
    const [agent] = WORKSPACE_EMULATOR_ACCOUNTS;
    try {
      const { url, child, exited, output } = await startDeployed(
        {
          openconnect: { url: emulator.endpoint, jwt: ref('OPENCONNECT_JWT'), crmid: CRMID, timeoutMs: 2000 },
          connectors: {
            genesys: {
              options: {
                pureengageApiUrl: workspace.url,
                pureengageApiKey: ref('WS_KEY'),
                pureengageClientId: workspace.clientId,
                pureengageClientSecret: ref('WS_SECRET'),
                pureengageAgents: [
                  {
                    username: agent!.username,
                    password: ref('AGENT_PW'),
                    dn: agent!.dn,
                    agentId: agent!.agentLogin,
                  },
                ],
              },
            },
            '8x8': {
              options: { streamUrl: pulsar.url, streamTenant: pulsar.tenant, streamApiKey: ref('EIGHT_KEY') },
              directory: { 'agent-8x8': 'jdoe' },
            },
          },
        },
        {
          OPENCONNECT_JWT: TEST_JWT,
          ADMIN_TOKEN,
          WS_KEY: workspace.apiKey,
          WS_SECRET: workspace.clientSecret,
          AGENT_PW: agent!.password,
          EIGHT_KEY: pulsar.apiKey,
        },
      );
      const views = async () =>
        (
          (await (
            await fetch(`${url}/admin/subscriptions`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
          ).json()) as {
            subscriptions: { subscription: string; status: string }[];
          }
        ).subscriptions;
      await until(
        async () => {
          const list = await views();
          return list.length === 2 && list.every((v) => v.status === 'connected');
        },
        20_000,
        'both sessions connected',
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await views())}\n${output.join('')}`);
      });
      pulsar.push({
        Interaction: {
          event: 'InteractionAssigned',
          callState: 'CS_INPROGRESS',
          interactionGUID: 'int-1',
          agentId: 'agent-8x8',
          direction: 'in',
          mediaType: 'phone',
          queueId: 1092,
        },
      });
      await until(
        () => emulator.messages.some((m) => m.agentid === 'jdoe' && m.props.interactionId === 'int-1'),
        10_000,
        'the 8x8 event at OpenConnect',
      );

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await workspace.close();
      await pulsar.close();
    }
  }, 60_000);
});

describe('the container image', () => {
  let problem: string | undefined;
  let image: string;
  const container = `openconnect-runner-test-${process.pid}`;

  beforeAll(async () => {
    problem = await ensureDocker();
    if (problem) {
      process.stderr.write(`\n*** image test SKIPPED: ${problem} ***\n\n`);
      return;
    }
    const base = await ensureBaseImage([
      path.join(context, 'app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
    ]);
    image = `openconnect-runner:test-${process.pid}`;
    const { command, env } = await buildkitDocker();
    // The route docs/deploy-container.md gives for machines whose builds cannot reach the npm registry.
    const built = await exec(
      command,
      [
        'build',
        '--build-arg',
        `BASE_IMAGE=${base}`,
        '--build-arg',
        'APP_FROM=prebuilt',
        '-f',
        path.join(repo, 'Dockerfile'),
        '-t',
        image,
        context,
      ],
      env,
    );
    expect(built.code, built.out).toBe(0);
  }, 240_000);

  afterAll(async () => {
    if (problem) return;
    await docker('rm', '-f', '-v', container);
    await docker('rmi', image);
  });

  it('runs node as PID 1 and non-root, turns healthy, delivers a signed webhook, and exits 0 on docker stop', async (ctx) => {
    if (problem) return ctx.skip(problem);
    emulator.reset();
    const port = await freePort();
    // Mounted read-only; the runner's user (uid 1000) must be able to read it.
    const configDir = mkdtempSync(path.join(work, 'image-config-'));
    chmodSync(configDir, 0o755);
    chmodSync(writeConfig(configDir, emulator, port), 0o644);
    // --network host: the emulator listens on the host's loopback. The image's own HEALTHCHECK command,
    // asked every second instead of every 10 s so the test need not wait.
    const run = await docker(
      'run',
      '-d',
      '--name',
      container,
      '--network',
      'host',
      '--health-interval',
      '1s',
      '--health-start-period',
      '1s',
      '-v',
      `${configDir}:/config:ro`,
      '-e',
      'CONFIG=/config/runner.json',
      '-e',
      `PORT=${port}`,
      '-e',
      `OPENCONNECT_JWT=${TEST_JWT}`,
      '-e',
      `TWILIO_AUTH_TOKEN=${AUTH_TOKEN}`,
      '-e',
      'CONNECTORS=twilio-flex',
      image,
    );
    expect(run.code, run.out).toBe(0);
    const url = `http://127.0.0.1:${port}`;
    const logs = async () => (await docker('logs', container)).out;
    await until(() => healthy(url), 30_000, 'the container to answer /healthz').catch(
      async (error: Error) => {
        throw new Error(`${error.message}\n${await logs()}`);
      },
    );

    const inspect = async (format: string) =>
      (await docker('inspect', '--format', format, container)).out.trim();
    await until(
      async () => (await inspect('{{.State.Health.Status}}')) === 'healthy',
      30_000,
      'docker to report healthy',
    );

    // PID 1 is node running the compiled bundle, as uid 1000 (nothing like `pnpm start` in between).
    const pid1 = await docker(
      'exec',
      container,
      'node',
      '-e',
      "const fs=require('fs');console.log(JSON.stringify({cmd:fs.readFileSync('/proc/1/cmdline','utf8').split('\\0').filter(Boolean),uid:/^Uid:\\s+(\\d+)/m.exec(fs.readFileSync('/proc/1/status','utf8'))[1]}))",
    );
    expect(pid1.code, pid1.out).toBe(0);
    expect(JSON.parse(pid1.out)).toEqual({ cmd: ['node', '/app/dist/main.js'], uid: '1000' });

    const res = await twilioRequest(url);
    expect(res.status, await res.text()).toBe(204);
    const [message] = await emulator.waitFor(1, 10_000);
    expect(message).toMatchObject({ agentid: 'ann.veal@example.com', event: 'answered', crmid: CRMID });
    // The outbox is the SQLite file on the /data volume.
    const outbox = await docker(
      'exec',
      container,
      'node',
      '-e',
      "console.log(require('fs').existsSync('/data/outbox.db'))",
    );
    expect(outbox.out.trim()).toBe('true');

    const stopping = Date.now();
    const stopped = await docker('stop', '--time', '30', container);
    expect(stopped.code, stopped.out).toBe(0);
    expect(Number(await inspect('{{.State.ExitCode}}')), await logs()).toBe(0);
    // Well inside docker's default 10 s grace: SIGTERM reached node, which drained and exited by itself.
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(await logs()).toContain('shutting down');
  }, 120_000);
});
