// /metrics on a listener of its own (METRICS_PORT, on 127.0.0.1 unless METRICS_HOST says otherwise), so that
// what the runner counts need not be public: the main listener then no longer serves it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigProblems, loadConfig } from '../src/config.js';
import { answered, startTestRunner, type TestRunner } from './helpers/runner.js';

describe('metrics on their own listener', () => {
  let t: TestRunner;
  let metricsUrl: string;
  beforeAll(async () => {
    t = await startTestRunner({ env: { METRICS_PORT: '0' } });
    metricsUrl = t.runner.metricsUrl!;
  });
  afterAll(() => t.close());

  it('serves /metrics on the metrics listener, bound to 127.0.0.1 by default', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(metricsUrl).not.toBe(t.runner.url);
    expect((await t.postAcme(answered('metrics-1'))).status).toBe(200);
    const res = await fetch(`${metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('openconnect_webhooks_received_total{connector="acme"} 1');
  });

  it('no longer serves /metrics on the main listener, nor lists it among the routes there', async () => {
    const res = await fetch(`${t.runner.url}/metrics`);
    expect(res.status).toBe(404);
    const { routes } = (await res.json()) as { routes: string[] };
    expect(routes).not.toContain('GET /metrics');
    expect(routes).toContain('GET /readyz');
  });

  it('serves nothing else on the metrics listener', async () => {
    expect((await fetch(`${metricsUrl}/healthz`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/admin/status`)).status).toBe(404);
  });
});

describe('metrics without METRICS_PORT', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner();
  });
  afterAll(() => t.close());

  it('serves /metrics on the main listener, as before', async () => {
    expect(t.runner.metricsUrl).toBeUndefined();
    const res = await fetch(`${t.runner.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('openconnect_outbox_depth');
  });
});

describe('metrics listener settings', () => {
  it('reads METRICS_PORT and METRICS_HOST, on loopback unless told otherwise', () => {
    expect(loadConfig({ available: [], env: { METRICS_PORT: '9464' } })).toMatchObject({
      metricsPort: 9464,
      metricsHost: '127.0.0.1',
    });
    expect(
      loadConfig({ available: [], env: { METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' } }).metricsHost,
    ).toBe('0.0.0.0');
    expect(loadConfig({ available: [], env: {} }).metricsPort).toBeUndefined();
  });

  it('names a metrics port that is the main port, or no port at all', () => {
    expect(problemsOf({ PORT: '8080', METRICS_PORT: '8080' })).toEqual([
      'metricsPort (METRICS_PORT): 8080 is the main port too; give /metrics a port of its own, or leave it unset to serve /metrics on the main port',
    ]);
    expect(problemsOf({ METRICS_PORT: 'metrics' })).toEqual([
      'METRICS_PORT: "metrics" is not a port number (1-65535)',
    ]);
  });
});

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ available: [], env });
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}
