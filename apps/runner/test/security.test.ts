import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_SECRET } from './helpers/acme.js';
import {
  ADMIN_TOKEN,
  answered,
  startTestRunner,
  TEST_JWT,
  type TestRunner,
  until,
} from './helpers/runner.js';

async function metric(t: TestRunner, line: string): Promise<number | undefined> {
  const text = await (await fetch(`${t.runner.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.split(' ').pop()) : undefined;
}

describe('authenticity, limits and secrets', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({
      config: { logLevel: 'trace', limits: { bodyBytes: 2048, ratePerSecond: 1000, burst: 1000 } },
    });
  });
  afterAll(() => t.close());

  it('refuses a request without its signature with 401 and counts it', async () => {
    const res = await fetch(`${t.runner.url}/webhooks/acme/events`, {
      method: 'POST',
      body: JSON.stringify(answered('s-1')),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized: the signature header is missing' });
    expect(
      await metric(t, 'openconnect_webhooks_rejected_total{connector="acme",reason="unauthorized"}'),
    ).toBe(1);
  });

  it('refuses a wrong signature and a tampered body with 401, delivering nothing', async () => {
    t.emulator.reset();
    const body = JSON.stringify(answered('s-2'));
    const wrong = await t.postAcme(body, { 'x-acme-signature': 'ab'.repeat(32) });
    const tampered = await fetch(`${t.runner.url}/webhooks/acme/events`, {
      method: 'POST',
      headers: { 'x-acme-signature': (await import('./helpers/runner.js')).sign(body) },
      body: body.replace('agent.smith', 'agent.evil'),
    });
    expect([wrong.status, tampered.status]).toEqual([401, 401]);
    expect(
      await metric(t, 'openconnect_webhooks_rejected_total{connector="acme",reason="unauthorized"}'),
    ).toBe(3);
    await new Promise((r) => setTimeout(r, 100));
    expect(t.emulator.messages).toEqual([]);
  });

  it('refuses a GET callback with a wrong key', async () => {
    const res = await fetch(
      `${t.runner.url}/webhooks/acme/status?agent=bob&state=Ready&key=wrong-key-000000000`,
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized: the credential does not match' });
  });

  it('answers 413 above the body limit and counts it', async () => {
    const big = JSON.stringify({ ...answered('s-big'), pad: 'x'.repeat(4096) });
    const res = await t.postAcme(big);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: 'the body is larger than the limit of 2048 bytes (limits.bodyBytes)',
    });
    expect(await metric(t, 'openconnect_webhooks_rejected_total{connector="acme",reason="too_large"}')).toBe(
      1,
    );
  });

  it('never writes the jwt, the admin token or a connector secret to the log', async () => {
    t.emulator.reset();
    await t.postAcme(answered('s-log'));
    await fetch(`${t.runner.url}/webhooks/acme/status?agent=bob&state=Ready&key=${ACME_SECRET}`);
    await t.emulator.waitFor(2);
    t.emulator.failNext(1, 401);
    await t.postAcme(answered('s-log-401', 'agent.x', 'CA-401'));
    await until(() => t.logs.some((l) => l.includes('OpenConnect refused the jwt')), 5000, 'the 401 pause');
    await t.admin('/resume', { method: 'POST' });
    await t.emulator.waitFor(3);
    await t.admin('/status');
    t.runner.logger.info(
      { jwt: TEST_JWT, note: `inline ${TEST_JWT} ${ACME_SECRET}` },
      `message with ${ADMIN_TOKEN}`,
    );
    const log = t.logs.join('');
    expect(log).toContain('"msg":"delivered"');
    expect(log).toContain('OpenConnect refused the jwt');
    expect(log).toContain('[redacted]');
    for (const secret of [TEST_JWT, ACME_SECRET, ADMIN_TOKEN]) expect(log).not.toContain(secret);
  });

  it('never returns the jwt or a secret from the admin API', async () => {
    for (const route of ['/deliveries?limit=1000', '/dead-letters', '/connectors', '/status']) {
      const res = await t.admin(route);
      expect(res.status).toBe(200);
      const text = await res.text();
      for (const secret of [TEST_JWT, ACME_SECRET, ADMIN_TOKEN]) expect(text).not.toContain(secret);
    }
  });
});

describe('per-connector rate limit', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({ config: { limits: { ratePerSecond: 1, burst: 3 } } });
  });
  afterAll(() => t.close());

  it('answers 429 with retry-after once the burst is spent', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.postAcme(answered(`rl-${i}`))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const res = await t.postAcme(answered('rl-x'));
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({
      error: expect.stringMatching(/^too many requests for acme; retry after \d+ ms$/),
    });
  });

  it('does not let requests without the secret spend the budget', async () => {
    await new Promise((r) => setTimeout(r, 3100)); // the bucket refills (1/s, burst 3)
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${t.runner.url}/webhooks/acme/events`, {
        method: 'POST',
        body: JSON.stringify(answered(`x-${i}`)),
      });
      expect(res.status).toBe(401);
    }
    expect((await t.postAcme(answered('after-flood'))).status).toBe(200);
  });
});
