// The one test over the real registry: every registered connector gets its routes, and each source
// with an auth scheme refuses a request without credentials (401) before reading it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { connectors } from '@openconnect/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleOptions } from '../src/demo.js';
import { type Runner, startRunner } from '../src/index.js';
import { CRMID, TEST_JWT } from './helpers/runner.js';

describe('every registered connector', () => {
  let runner: Runner;
  let emulator: Emulator;
  let dir: string;
  beforeAll(async () => {
    emulator = await startEmulator({ jwts: [TEST_JWT] });
    dir = mkdtempSync(path.join(tmpdir(), 'runner-registry-'));
    runner = await startRunner({
      env: { OUTBOX: `sqlite:${path.join(dir, 'outbox.db')}` },
      config: {
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        openconnect: { url: emulator.endpoint, jwt: TEST_JWT, crmid: CRMID },
        connectors: Object.fromEntries(
          connectors.map((c) => [
            c.id,
            { options: sampleOptions(c, 'registry-test-secret-0123456789abcdef') },
          ]),
        ),
      },
    });
  });
  afterAll(async () => {
    await runner?.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is enabled, with a route per source, and refuses a request without credentials with 401', async () => {
    const answers: string[] = [];
    const expected: string[] = [];
    for (const connector of connectors) {
      for (const source of connector.sources) {
        if (source.auth.scheme === 'none') continue;
        const method = source.methods?.[0] ?? 'POST';
        const res = await fetch(`${runner.url}/webhooks/${connector.id}/${source.id}`, {
          method,
          ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
        });
        await res.arrayBuffer();
        answers.push(`${connector.id}/${source.id} ${res.status}`);
        expected.push(`${connector.id}/${source.id} 401`);
      }
    }
    expect(connectors.length).toBeGreaterThan(0);
    expect(answers).toEqual(expected);
    expect(emulator.messages).toEqual([]);
  });
});
