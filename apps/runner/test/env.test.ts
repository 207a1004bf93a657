// The environment names every deployment guide relies on, each one working from the environment alone
// (the file only lists connectors and their secrets by reference).
import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runner, startRunner } from '../src/index.js';
import { ACME_SECRET, acme } from './helpers/acme.js';
import { freePort } from './helpers/ports.js';
import { answered, ref, sign, TEST_JWT } from './helpers/runner.js';

const ADMIN = 'admin-token-from-env-0123456789';

describe('a runner configured by environment variables', () => {
  let emulator: Emulator;
  let runner: Runner;
  let dir: string;
  let port: number;
  const logs: string[] = [];
  const beta = { ...acme, id: 'beta', displayName: 'Beta (test)' };

  beforeAll(async () => {
    emulator = await startEmulator({ jwts: [TEST_JWT] });
    dir = mkdtempSync(path.join(tmpdir(), 'runner-env-'));
    const config = path.join(dir, 'runner.yaml');
    writeFileSync(
      config,
      `connectors:\n  acme:\n    options:\n      secret: ${ref('ACME_SECRET')}\n  beta:\n    options:\n      secret: ${ref('ACME_SECRET')}\n`,
    );
    port = await freePort();
    runner = await startRunner({
      connectors: [acme, beta],
      logDestination: { write: (line: string) => logs.push(line) },
      env: {
        CONFIG: config,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: 'https://hooks.example.com/oc/',
        OPENCONNECT_URL: emulator.endpoint,
        OPENCONNECT_JWT: TEST_JWT,
        OPENCONNECT_CRMID: 'env.custhelp.com',
        OPENCONNECT_METHOD: 'get',
        CONNECTORS: 'acme',
        OUTBOX: `sqlite:${path.join(dir, 'data', 'env-outbox.db')}`,
        ADMIN_TOKEN: ADMIN,
        LOG_LEVEL: 'warn',
        ACME_SECRET,
      },
    });
  });
  afterAll(async () => {
    await runner?.close();
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (connector: string, body: unknown) => {
    const text = JSON.stringify(body);
    return fetch(`${runner.url}/webhooks/${connector}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acme-signature': sign(text) },
      body: text,
    });
  };

  it('PORT: listens on that port', () => {
    expect(runner.url).toBe(`http://127.0.0.1:${port}`);
  });

  it('OPENCONNECT_URL, _JWT, _CRMID, _METHOD: delivers there by GET with that key and crmid', async () => {
    expect((await post('acme', answered('evt-env-1', 'agent.env'))).status).toBe(200);
    const [message] = await emulator.waitFor(1);
    expect(message).toMatchObject({
      method: 'GET',
      agentid: 'agent.env',
      crmid: 'env.custhelp.com',
      event: 'answered',
    });
  });

  it('CONFIG and CONNECTORS: only the named connector of the file is enabled', async () => {
    expect(runner.config.connectors.map((c) => c.connector.id)).toEqual(['acme']);
    expect((await post('beta', answered('evt-env-2'))).status).toBe(404);
  });

  it('PUBLIC_URL: the webhook URLs to paste are built on it', async () => {
    const res = await fetch(`${runner.url}/admin/connectors`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const { connectors } = (await res.json()) as { connectors: { webhookUrl: string }[] };
    expect(connectors.map((c) => c.webhookUrl)).toEqual(['https://hooks.example.com/oc/webhooks/acme']);
  });

  it('ADMIN_TOKEN: the admin API opens to it and to nothing else', async () => {
    const wrong = await fetch(`${runner.url}/admin/status`, {
      headers: { authorization: 'Bearer not-the-token-0123456789' },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${runner.url}/admin/status`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(right.status).toBe(200);
  });

  it('OUTBOX: the sqlite file is created at that path', () => {
    expect(runner.outbox.kind).toBe('sqlite');
    expect(existsSync(path.join(dir, 'data', 'env-outbox.db'))).toBe(true);
  });

  it('LOG_LEVEL: warnings are written, nothing below warn', async () => {
    const refused = await fetch(`${runner.url}/webhooks/acme/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acme-signature': 'wrong' },
      body: '{}',
    });
    expect(refused.status).toBe(401);
    const lines = logs.map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(lines.map((l) => l.msg)).toContain('refused: not authentic');
    expect(lines.filter((l) => !['warn', 'error', 'fatal'].includes(l.level))).toEqual([]); // the accepted event above logged nothing at info
  });
});
