// Secrets re-read without a restart: a real runner paused by OpenConnect's 401 on the old key, the new key
// written to its _FILE, POST /admin/reload → delivered at once; a rotated vendor secret; a bad reload that
// keeps the running config; and the log that never shows an old or a new secret.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Runner, startRunner } from '../src/index.js';
import type { Env } from '../src/references.js';
import { acme } from './helpers/acme.js';
import { answered, sign, until } from './helpers/runner.js';

const OLD_JWT = 'old-jwt-regenerated-away-0123456789abcdef';
const NEW_JWT = 'new-jwt-fresh-from-experience-cloud-0123456789';
const OLD_SECRET = 'old-acme-secret-0123456789abcdef';
const NEW_SECRET = 'new-acme-secret-fedcba9876543210';
const ADMIN = 'admin-token-reload-0123456789abcdef';

describe('reloading the configuration of a running runner', () => {
  let emulator: Emulator;
  let runner: Runner;
  let dir: string;
  let env: Env;
  let logs: string[];
  const jwtFile = () => path.join(dir, 'openconnect-jwt');
  const secretFile = () => path.join(dir, 'acme-secret');

  beforeEach(async () => {
    // OpenConnect knows only the new key: the old one was re-generated away.
    emulator = await startEmulator({ jwts: [NEW_JWT] });
    dir = mkdtempSync(path.join(tmpdir(), 'runner-reload-'));
    writeFileSync(jwtFile(), `${OLD_JWT}\n`);
    writeFileSync(secretFile(), `${OLD_SECRET}\n`);
    logs = [];
    env = {
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_TOKEN: ADMIN,
      OUTBOX: `sqlite:${path.join(dir, 'outbox.db')}`,
      OPENCONNECT_URL: emulator.endpoint,
      OPENCONNECT_JWT_FILE: jwtFile(),
      OPENCONNECT_CRMID: 'crm.example.com',
      CONNECTOR_ACME_SECRET_FILE: secretFile(),
    };
    runner = await startRunner({
      connectors: [acme],
      env,
      // The probe that would retry a 401 pause on its own waits 10 minutes: only the reload can resume it.
      config: {
        openconnect: { timeoutMs: 2000 },
        delivery: { pauseProbeMs: 600_000, retry: { baseDelayMs: 20, jitter: 0 } },
      },
      logDestination: { write: (line: string) => logs.push(line) },
    });
  });
  afterEach(async () => {
    await runner?.close();
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: unknown, secret: string) => {
    const text = JSON.stringify(body);
    return fetch(`${runner.url}/webhooks/acme/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acme-signature': sign(text, secret) },
      body: text,
    });
  };
  const reload = () =>
    fetch(`${runner.url}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });

  it('a new OpenConnect key written to OPENCONNECT_JWT_FILE ends a 401 pause at once', async () => {
    expect((await post(answered('evt-reload-1'), OLD_SECRET)).status).toBe(200);
    await until(() => runner.outbox.pausedReason() !== undefined, 10_000, 'the 401 pause');
    expect(emulator.messages).toEqual([]);

    writeFileSync(jwtFile(), `${NEW_JWT}\n`);
    const res = await reload();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      reloaded: true,
      applied: ['openconnect'],
      restartNeeded: [],
      resumed: true,
    });
    const [message] = await emulator.waitFor(1, 10_000);
    expect(message).toMatchObject({ agentid: 'agent.smith', crmid: 'crm.example.com' });
    expect(runner.outbox.pausedReason()).toBeUndefined();

    // The logger learnt the new key: a line that carries it (a vendor's echo, say) shows it redacted.
    runner.logger.warn(`an echo of ${NEW_JWT} and ${OLD_JWT}`);
    runner.logger.flush();
    const text = logs.join('');
    expect(text).toContain('an echo of [redacted] and [redacted]');
    expect(text).not.toContain(NEW_JWT);
    expect(text).not.toContain(OLD_JWT);
    expect(text).toContain('"msg":"configuration reloaded"');
  });

  it('a rotated vendor secret takes effect at once: the new signature is accepted, the old one refused', async () => {
    writeFileSync(secretFile(), NEW_SECRET);
    writeFileSync(jwtFile(), NEW_JWT);
    const res = await reload();
    expect(await res.json()).toMatchObject({ applied: ['openconnect', 'connectors.acme'], resumed: false });
    expect((await post(answered('evt-reload-2'), OLD_SECRET)).status).toBe(401);
    expect((await post(answered('evt-reload-3'), NEW_SECRET)).status).toBe(200);
    await emulator.waitFor(1, 10_000);
    runner.logger.warn(`an echo of ${NEW_SECRET}`);
    runner.logger.flush();
    expect(logs.join('')).not.toContain(NEW_SECRET);
  });

  it('a reload with problems answers 422 naming every one, and the running config stays', async () => {
    writeFileSync(secretFile(), 'too-short');
    env.PORT = 'abc';
    env.OPENCONNECT_URL = 'https://connect.openmethods.com/api/sendmessage/CRM';
    const res = await reload();
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; problems: string[] };
    expect(body.error).toBe(
      'the configuration has 3 problem(s); the running one is kept until they are fixed',
    );
    expect(body.problems).toEqual([
      'PORT: "abc" is not a port number (1-65535)',
      expect.stringMatching(
        /^OPENCONNECT_URL: the OpenConnect host connect\.openmethods\.com is end-of-life/,
      ),
      expect.stringMatching(
        /^connectors\.acme: connector acme options: secret: secret must be at least 16 characters/,
      ),
    ]);
    // Still the old secret, the old target.
    expect((await post(answered('evt-reload-4'), OLD_SECRET)).status).toBe(200);
    expect(runner.target.baseUrl).toBe(emulator.endpoint);
    runner.logger.flush();
    const refused = logs
      .map((l) => JSON.parse(l) as { level: string; msg: string; problems?: string[] })
      .find((l) => l.msg === 'reload refused: the running configuration stays');
    expect(refused).toMatchObject({ level: 'error', problems: body.problems });
  });

  it('needs the admin token', async () => {
    const res = await fetch(`${runner.url}/admin/reload`, { method: 'POST' });
    expect(res.status).toBe(401);
  });

  it('reports settings read at start-up only, leaving them as they are', async () => {
    env.PUBLIC_URL = 'https://hooks.example.com';
    const res = await reload();
    expect(await res.json()).toEqual({
      reloaded: true,
      applied: [],
      restartNeeded: ['publicUrl'],
      resumed: false,
    });
    expect(runner.config.publicUrl).toBeUndefined();
  });
});
