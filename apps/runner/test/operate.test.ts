// `pnpm start` as a container runs it: the registry's connectors, configured by the environment alone (no
// config file), JSON log lines on stdout and the human banner on stderr, SIGHUP re-reading the secrets.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRunner } from '../src/index.js';
import { acme } from './helpers/acme.js';
import { until } from './helpers/runner.js';

const root = path.join(import.meta.dirname, '..');
const TOKEN = 'five9-web-connector-token-0123456789';
const NEW_TOKEN = 'five9-web-connector-token-rotated-9876';
const OLD_JWT = 'jwt-before-rotation-0123456789abcdef';
const NEW_JWT = 'jwt-after-rotation-fedcba9876543210';

interface Child {
  process: ChildProcess;
  stdout: string[];
  stderr: string[];
  url: string;
  stop(): Promise<number | null>;
}

/** `node src/main.ts` with only these variables; resolves once its "runner started" line is on stdout. */
function startChild(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the runner did not start:\n${stderr.join('')}`)),
      30_000,
    );
    child.once('exit', (code) => reject(new Error(`the runner exited (${code}):\n${stderr.join('')}`)));
    child.stdout!.on('data', (d: Buffer) => {
      stdout.push(d.toString());
      const started = stdout
        .join('')
        .split('\n')
        .find((l) => l.includes('"msg":"runner started"'));
      if (!started) return;
      clearTimeout(timer);
      resolve({
        process: child,
        stdout,
        stderr,
        url: (JSON.parse(started) as { url: string }).url,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}

/** The Five9 Web Connector's recorded OnCallAccepted request, with the token this deployment uses. */
function five9Request(url: string, token: string, callId: string) {
  const fixture = JSON.parse(
    readFileSync(
      path.join(root, '../../connectors/five9/fixtures/web-connector/call-accepted-get.json'),
      'utf8',
    ),
  ) as { request: { query: Record<string, string> } };
  const target = new URL(`${url}/webhooks/five9`);
  // A call of its own each time (session and call id): Five9 pops an agent once per call.
  for (const [k, v] of Object.entries({
    ...fixture.request.query,
    token,
    call_id: callId,
    session_id: `S${callId}`,
  }))
    target.searchParams.set(k, v);
  return fetch(target);
}

describe('a single-connector runner configured by the environment alone', () => {
  let emulator: Emulator;
  let dir: string;
  let child: Child | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ jwts: [NEW_JWT] });
    dir = mkdtempSync(path.join(tmpdir(), 'runner-operate-'));
  });
  afterEach(async () => {
    await child?.stop();
    child = undefined;
    emulator.reset();
  });
  afterAll(async () => {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const baseEnv = (name: string) => ({
    PORT: '0',
    HOST: '127.0.0.1',
    OUTBOX: `sqlite:${path.join(dir, `${name}.db`)}`,
    OPENCONNECT_URL: emulator.endpoint,
    OPENCONNECT_CRMID: 'acme.custhelp.com',
  });

  it('starts with no config file, delivers a webhook, logs JSON on stdout and the banner on stderr', async () => {
    child = await startChild({
      ...baseEnv('env-only'),
      OPENCONNECT_JWT: NEW_JWT,
      CONNECTOR_FIVE9_TOKEN: TOKEN,
    });
    expect((await five9Request(child.url, TOKEN, '300000000000001')).status).toBe(200);
    const [message] = await emulator.waitFor(1, 10_000);
    expect(message).toMatchObject({
      agentid: 'jdoe@acme.example',
      event: 'answered',
      crmid: 'acme.custhelp.com',
    });
    expect(message!.props).toMatchObject({ interactionId: '300000000000001' });

    await until(() => child!.stdout.join('').includes('"msg":"delivered"'), 10_000, 'the delivered line');
    const lines = child.stdout.join('').trim().split('\n');
    // Every stdout line is one JSON object with a level name, like the Amazon Connect Lambdas' lines.
    for (const line of lines)
      expect(JSON.parse(line)).toMatchObject({ level: expect.stringMatching(/^(info|warn|error)$/) });
    expect(child.stdout.join('')).not.toContain('OpenConnect runner listening');
    expect(child.stderr.join('')).toContain(`OpenConnect runner listening on ${child.url}`);
    expect(child.stderr.join('')).toContain('Five9');
    expect(child.stdout.join('') + child.stderr.join('')).not.toContain(TOKEN);
  });

  it('SIGHUP re-reads the _FILE secrets: the new OpenConnect key ends the 401 pause, the new token is the one accepted', async () => {
    const jwtFile = path.join(dir, 'jwt');
    const tokenFile = path.join(dir, 'five9-token');
    writeFileSync(jwtFile, `${OLD_JWT}\n`);
    writeFileSync(tokenFile, `${TOKEN}\n`);
    child = await startChild({
      ...baseEnv('sighup'),
      OPENCONNECT_JWT_FILE: jwtFile,
      CONNECTOR_FIVE9_TOKEN_FILE: tokenFile,
    });
    expect((await five9Request(child.url, TOKEN, '300000000000002')).status).toBe(200);
    await until(() => child!.stdout.join('').includes('ALERT: delivery paused'), 15_000, 'the 401 pause');

    writeFileSync(jwtFile, `${NEW_JWT}\n`);
    writeFileSync(tokenFile, `${NEW_TOKEN}\n`);
    child.process.kill('SIGHUP');
    const [message] = await emulator.waitFor(1, 10_000);
    expect(message!.props).toMatchObject({ interactionId: '300000000000002' });
    expect((await five9Request(child.url, TOKEN, '300000000000003')).status).toBe(401);
    expect((await five9Request(child.url, NEW_TOKEN, '300000000000004')).status).toBe(200);
    await emulator.waitFor(2, 10_000);

    expect(await child.stop()).toBe(0);
    const out = child.stdout.join('') + child.stderr.join('');
    expect(out).toContain('"msg":"configuration reloaded"');
    for (const secret of [TOKEN, NEW_TOKEN, OLD_JWT, NEW_JWT]) expect(out).not.toContain(secret);
  });
});

describe('demo mode', () => {
  const listen = async (env: Record<string, string>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'runner-demo-host-'));
    const runner = await startRunner({
      connectors: [acme],
      env: { PORT: '0', LOG_LEVEL: 'silent', OUTBOX: `sqlite:${path.join(dir, 'outbox.db')}`, ...env },
    });
    try {
      expect(runner.demo).toBeDefined();
      return (runner.app.server.address() as AddressInfo).address;
    } finally {
      await runner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('listens on 127.0.0.1 only, its secrets being in the banner', async () => {
    expect(await listen({})).toBe('127.0.0.1');
  });

  it('listens where HOST says when it is set', async () => {
    expect(await listen({ HOST: '0.0.0.0' })).toBe('0.0.0.0');
  });
});
