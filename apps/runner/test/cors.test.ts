// CORS for browser-sent webhooks (the Cisco Finesse gadget with via=direct): off by default, and when
// configured only the listed origins get answers, on /webhooks/* only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, startTestRunner, type TestRunner } from './helpers/runner.js';

const FINESSE = 'https://finesse1.example.com:8445';
const GADGET_HEADERS = 'content-type,x-openconnect-token,x-finesse-agent,x-finesse-extension';

const preflight = (url: string, origin: string, headers = GADGET_HEADERS) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': headers,
    },
  });

describe('CORS with cors.origins listed', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({ config: { cors: { origins: [`${FINESSE}/`] } } });
  });
  afterAll(() => t.close());

  it("answers a preflight from a listed origin, allowing the gadget's headers", async () => {
    const res = await preflight(`${t.runner.url}/webhooks/acme/events`, FINESSE);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(FINESSE);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'content-type, x-openconnect-token, x-finesse-agent, x-finesse-extension',
    );
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('refuses a preflight from an origin that is not listed, with no CORS header', async () => {
    const res = await preflight(`${t.runner.url}/webhooks/acme/events`, 'https://evil.example.net');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.json()).toEqual({
      error: 'origin https://evil.example.net is not allowed: list it in cors.origins (CORS_ORIGINS)',
    });
  });

  it('refuses a preflight for a method webhooks do not take', async () => {
    const res = await fetch(`${t.runner.url}/webhooks/acme/events`, {
      method: 'OPTIONS',
      headers: { origin: FINESSE, 'access-control-request-method': 'DELETE' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.json()).toEqual({ error: 'method DELETE is not allowed: webhooks take GET, POST' });
  });

  it('puts the origin on the webhook answer, so the page can read its status', async () => {
    const ok = await t.postAcme(answered('evt-cors-1'), { origin: FINESSE });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(FINESSE);
    const refused = await fetch(`${t.runner.url}/webhooks/acme/events`, {
      method: 'POST',
      headers: { origin: FINESSE, 'content-type': 'application/json', 'x-acme-signature': 'bad' },
      body: '{}',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(FINESSE);
  });

  it('gives no CORS header to another origin, nor outside /webhooks/', async () => {
    const other = await t.postAcme(answered('evt-cors-2'), { origin: 'https://evil.example.net' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const admin = await t.admin('/status', { headers: { origin: FINESSE } });
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
    const adminPreflight = await preflight(`${t.runner.url}/admin/replay`, FINESSE, 'authorization');
    expect(adminPreflight.status).toBe(404);
  });
});

describe('CORS with cors.headers listed', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({
      config: { cors: { origins: [FINESSE], headers: ['Content-Type', 'X-OpenConnect-Token'] } },
    });
  });
  afterAll(() => t.close());

  it('refuses a preflight asking for a header that is not listed, naming it', async () => {
    const res = await preflight(`${t.runner.url}/webhooks/acme/events`, FINESSE);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: 'header(s) x-finesse-agent, x-finesse-extension not allowed: list them in cors.headers',
    });
    const allowed = await preflight(`${t.runner.url}/webhooks/acme/events`, FINESSE, 'content-type');
    expect(allowed.status).toBe(204);
  });
});

describe('CORS by default', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner();
  });
  afterAll(() => t.close());

  it('is off: no preflight answer and no CORS header on webhook answers', async () => {
    const res = await preflight(`${t.runner.url}/webhooks/acme/events`, FINESSE);
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const posted = await t.postAcme(answered('evt-cors-3'), { origin: FINESSE });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('access-control-allow-origin')).toBeNull();
  });
});
