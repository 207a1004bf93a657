import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, startTestRunner, type TestRunner, until } from './helpers/runner.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

describe('a store that stops answering (Redis behind a frozen link)', () => {
  let t: TestRunner;
  let proxy: TcpProxy;
  const prefix = `outage-${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    proxy = await startTcpProxy(6379);
    t = await startTestRunner({
      outbox: 'real',
      // The shared test Redis keeps nothing on disk: accepted for this test, refused by default.
      env: { OUTBOX: `redis://127.0.0.1:${proxy.port}/0?prefix=${prefix}`, OUTBOX_ACCEPT_DATA_LOSS: 'yes' },
      config: { limits: { storeTimeoutMs: 400 } },
    });
  });
  afterAll(async () => {
    proxy.thaw();
    await t.close();
    await proxy.close();
    const redis = new Redis('redis://127.0.0.1:6379/0');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('answers the vendor 503 within the store timeout, reports not ready, and accepts again once it is back', async () => {
    expect((await t.postAcme(answered('o-1', 'agent-o', 'o-1'))).status).toBe(200);
    proxy.freeze();
    const started = Date.now();
    const res = await t.postAcme(answered('o-2', 'agent-o', 'o-2'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'the runner could not store the event; retry later' });
    expect(Date.now() - started).toBeLessThan(2000);
    const ready = await fetch(`${t.runner.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'not ready',
      problems: ['the redis outbox does not answer'],
    });
    proxy.thaw();
    // The vendor's retry of o-2 is accepted; had the first try been stored after all, it is delivered once.
    await until(
      async () => (await t.postAcme(answered('o-2', 'agent-o', 'o-2'))).status === 200,
      10_000,
      'a 200',
    );
    await until(() => t.emulator.messages.filter((m) => m.agentid === 'agent-o').length >= 2, 10_000, 'both');
    await new Promise((r) => setTimeout(r, 300));
    expect(
      t.emulator.messages.filter((m) => m.agentid === 'agent-o').map((m) => m.props.interactionId),
    ).toEqual(['o-1', 'o-2']);
    expect(t.logs.join('')).toContain('the outbox did not answer within 400 ms');
  });
});
