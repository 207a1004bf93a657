// The deploy files' settings start real runners on this machine (no container, no cluster): the Kubernetes
// sqlite overlay's config and environment, and compose.redis.yaml's two runners on a redis-server started
// with its command line (which the runner refuses unless it keeps what it accepts). A Five9 webhook in, the
// message out at an OpenConnect emulator on loopback. Only what cannot hold on this machine is changed:
// ports (any free one), paths (a temporary folder), the Redis host, and OPENCONNECT_URL (the emulator).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { type Runner, startRunner } from '@openconnect/runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COMPOSE_SECRET_DIR,
  composeConfig,
  composeEnv,
  composeRunners,
  configOf,
  envOf,
  find,
  imageEnv,
  K8S_SECRET_DIR,
  loadCompose,
  render,
  runnerContainer,
} from './files.js';
import { standInSecret, withStandInSecrets } from './runner-env.js';

const JWT = standInSecret('openconnect-jwt');
const FIVE9_TOKEN = standInSecret('five9-token');
const silent = { write: () => true };

let emulator: Emulator;
const started: Runner[] = [];
beforeAll(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', jwts: [JWT] });
});
afterAll(async () => {
  await Promise.all(started.map((r) => r.close()));
  await emulator?.close();
});

/** A runner from a deployment's config and environment, with this machine's ports, paths and emulator. */
async function runnerFrom(
  document: unknown,
  env: Record<string, string>,
  secretDir: string,
  local: Record<string, string>,
  secretValues: Record<string, string> = {},
) {
  const withSecrets = withStandInSecrets(document, env, secretDir, secretValues);
  const runEnv: Record<string, string> = {
    ...withSecrets.env,
    HOST: '127.0.0.1',
    PORT: '0',
    ...(env.METRICS_PORT ? { METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' } : {}),
    OPENCONNECT_URL: emulator.endpoint,
    ...local,
  };
  // A deployment that ends up on a SQLite file outside the temporary folder (the image's /data default when
  // the pod's outbox setting is lost) fails here, rather than writing to this machine's /data.
  const sqlite = runEnv.OUTBOX?.match(/^sqlite:(.*)$/)?.[1];
  if (sqlite && !path.resolve(sqlite).startsWith(tmpdir()))
    throw new Error(`the runner would open the SQLite outbox ${sqlite} (OUTBOX), not one of this test's own`);
  const runner = await startRunner({ config: withSecrets.document, env: runEnv, logDestination: silent });
  started.push(runner);
  return runner;
}

const five9 = (runner: Runner, agent: string) =>
  fetch(
    `${runner.url}/webhooks/five9/web-connector?trigger=OnCallAccepted&token=${FIVE9_TOKEN}&agent=${agent}&call_id=300000000012345&ani=9255550143`,
  );

describe('the Kubernetes sqlite overlay, run as a process', () => {
  it('starts ready, serves /metrics on its own port, and delivers a Five9 webhook', async () => {
    emulator.reset();
    const docs = render('sqlite');
    const env = { ...imageEnv(), ...envOf(runnerContainer(docs)) };
    expect(env.OUTBOX).toBe('sqlite:/data/outbox.db');
    const data = mkdtempSync(path.join(tmpdir(), 'deploy-sqlite-'));
    const runner = await runnerFrom(configOf(docs), env, K8S_SECRET_DIR, {
      OUTBOX: `sqlite:${path.join(data, 'outbox.db')}`,
    });
    expect(runner.outbox.kind).toBe('sqlite');
    expect((await fetch(`${runner.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${runner.url}/healthz`)).status).toBe(200);
    expect(runner.metricsUrl).toBeDefined();
    expect(await (await fetch(`${runner.metricsUrl}/metrics`)).text()).toContain('openconnect_outbox_depth');
    expect((await five9(runner, 'jdoe')).status).toBe(200);
    const [message] = await emulator.waitFor(1, 10_000);
    expect(message).toMatchObject({ agentid: 'jdoe', crmid: 'acme.custhelp.com' });
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server started with `flags` on a free loopback port and a temporary folder; resolves once it listens. */
async function startRedis(flags: string[]): Promise<{ port: number; process: ChildProcess }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-redis-'));
  const child = spawn(
    'redis-server',
    [...flags, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return { port, process: child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server ${flags.join(' ')} did not listen on port ${port} within 10 s`);
}

describe('compose.redis.yaml, run as processes', () => {
  let redis: ChildProcess | undefined;
  const runners: Runner[] = [];
  afterAll(async () => {
    // The runners first, while their Redis still answers; then Redis.
    await Promise.all(runners.map((r) => r.close()));
    redis?.kill('SIGTERM');
  });

  it('both runners accept the Redis its command line starts, and each delivers', async () => {
    emulator.reset();
    const doc = loadCompose('compose.redis.yaml');
    const [binary, ...flags] = doc.services.redis.command as string[];
    expect(binary).toBe('redis-server');
    const started = await startRedis(flags);
    redis = started.process;
    const port = started.port;
    for (const [, service] of composeRunners(doc)) {
      const env = { ...imageEnv(), ...composeEnv(service) };
      expect(env.OUTBOX).toBe('redis://redis:6379/0');
      // No OUTBOX_ACCEPT_DATA_LOSS: the runner starts only because this Redis keeps what it accepts.
      runners.push(
        await runnerFrom(composeConfig, env, COMPOSE_SECRET_DIR, {
          OUTBOX: `redis://127.0.0.1:${port}/0?prefix=deploy${Date.now()}`,
        }),
      );
    }
    expect(runners).toHaveLength(2);
    for (const [i, runner] of runners.entries()) {
      expect(runner.outbox.kind).toBe('redis');
      expect((await five9(runner, `agent${i}`)).status).toBe(200);
    }
    const messages = await emulator.waitFor(2, 20_000);
    expect(messages.map((m) => m.agentid).sort()).toEqual(['agent0', 'agent1']);
  });
});

describe('overlays/redis, run as processes', () => {
  let redis: ChildProcess | undefined;
  const runners: Runner[] = [];
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.close()));
    redis?.kill('SIGTERM');
  });

  it("the Deployment's runners start on a Redis run with the StatefulSet's args and the Secret's password, and each delivers", async () => {
    emulator.reset();
    const docs = render('redis');
    const password = 'stand-in-redis-password-0123456789';
    // Kubernetes puts the Secret's value in place of $(REDISCLI_AUTH); /data is the claim, a temp folder here.
    const args = (
      find(docs, 'StatefulSet', 'openconnect-redis')[0]!.spec.template.spec.containers[0].args as string[]
    )
      .map((arg) => arg.replace('$(REDISCLI_AUTH)', password))
      .filter((arg, i, all) => arg !== '--dir' && all[i - 1] !== '--dir');
    const started = await startRedis(args);
    redis = started.process;
    const workload = find(docs, 'Deployment', 'openconnect-runner')[0]!;
    // The Secret's "outbox" key as deploy/README.md has you create it, with this machine's host and port.
    const outbox = `redis://:${password}@127.0.0.1:${started.port}/0?prefix=deployk8s${Date.now()}`;
    // The image's own environment under the pod's, as in the cluster (the image sets OUTBOX to SQLite).
    const env = { ...imageEnv(), ...envOf(runnerContainer(docs), { outbox }) };
    for (let i = 0; i < workload.spec.replicas; i++)
      runners.push(await runnerFrom(configOf(docs), env, K8S_SECRET_DIR, {}));
    expect(runners).toHaveLength(2);
    for (const [i, runner] of runners.entries()) {
      expect(runner.outbox.kind).toBe('redis');
      expect((await fetch(`${runner.url}/readyz`)).status).toBe(200);
      expect((await five9(runner, `k8s${i}`)).status).toBe(200);
    }
    const messages = await emulator.waitFor(2, 20_000);
    expect(messages.map((m) => m.agentid).sort()).toEqual(['k8s0', 'k8s1']);
  });
});
