import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../src/outbox/types.js';
import { answered, startTestRunner, type TestRunner, until } from './helpers/runner.js';

const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;

describe('admin API', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({ config: { publicUrl: 'https://hooks.example.com/base/' } });
  });
  afterAll(() => t.close());

  it('refuses a missing or wrong bearer token with 401', async () => {
    const none = await fetch(`${t.runner.url}/admin/deliveries`);
    const wrong = await fetch(`${t.runner.url}/admin/deliveries`, {
      headers: { authorization: 'Bearer wrong-token-0000000000' },
    });
    expect([none.status, wrong.status]).toEqual([401, 401]);
    expect(await none.json()).toEqual({ error: 'admin API: send Authorization: Bearer <ADMIN_TOKEN>' });
  });

  it('lists each enabled connector with the webhook URLs to paste and each source’s auth', async () => {
    expect(await json(t.admin('/connectors'))).toEqual({
      connectors: [
        {
          id: 'acme',
          displayName: 'Acme Telephony (test)',
          platforms: ['Acme'],
          webhookUrl: 'https://hooks.example.com/base/webhooks/acme',
          sources: [
            {
              id: 'events',
              description: 'Call events, JSON, signed with HMAC-SHA256 over the body',
              methods: ['POST'],
              auth: {
                scheme: 'hmac-signature',
                summary: 'header x-acme-signature: hex HMAC-SHA256 of the body with option secret',
              },
              webhookUrl: 'https://hooks.example.com/base/webhooks/acme/events',
            },
            {
              id: 'status',
              description: 'Agent state web callback (GET with query string)',
              methods: ['GET'],
              auth: { scheme: 'api-key', summary: 'parameter key = option secret' },
              webhookUrl: 'https://hooks.example.com/base/webhooks/acme/status',
            },
          ],
          directoryEntries: 0,
        },
      ],
    });
  });

  it('lists deliveries filtered by agent, connector and status', async () => {
    await t.postAcme(answered('a-1', 'amy', 'CA-A1'));
    await t.postAcme(answered('a-2', 'ben', 'CA-B1'));
    await until(async () => (await t.runner.outbox.stats()).delivered >= 2, 5000, 'two deliveries');
    const amy = await json<{ deliveries: DeliveryRecord[]; count: number }>(
      t.admin('/deliveries?agentid=amy&connector=acme&status=delivered'),
    );
    expect(amy.count).toBe(1);
    expect(amy.deliveries[0]).toMatchObject({
      connector: 'acme',
      source: 'events',
      agentid: 'amy',
      event: 'answered',
      status: 'delivered',
      attempts: 1,
      dedupeKey: 'acme/events/a-1',
      props: { interactionId: 'CA-A1' },
    });
    expect((await json<{ count: number }>(t.admin('/deliveries?connector=other'))).count).toBe(0);
  });

  it('answers 400 naming the problem for a bad filter', async () => {
    const res = await t.admin('/deliveries?status=lost&limit=0');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /^status: Invalid option.*; limit: Too small/,
    );
  });

  it('shows a refused message as a dead letter with its reason and replays it by id', async () => {
    t.emulator.failNext(1, 400);
    await t.postAcme(answered('d-1', 'dora', 'CA-D1'));
    await until(async () => (await t.runner.outbox.stats()).dead >= 1, 5000, 'a dead letter');
    const { deadLetters } = await json<{ deadLetters: DeliveryRecord[] }>(t.admin('/dead-letters'));
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ agentid: 'dora', status: 'dead', lastStatus: 400 });
    expect(deadLetters[0]!.deadReason).toMatch(/HTTP 400/);
    const replay = await t.admin('/replay', {
      method: 'POST',
      body: JSON.stringify({ ids: [deadLetters[0]!.id] }),
    });
    expect(await replay.json()).toEqual({ replayed: 1 });
    await until(() => t.emulator.messages.some((m) => m.agentid === 'dora'), 5000, 'the replayed message');
  });

  it('replays every dead letter with {"all": true}', async () => {
    t.emulator.failNext(2, 422);
    await t.postAcme(answered('d-2', 'eve', 'CA-E1'));
    await t.postAcme(answered('d-3', 'fay', 'CA-F1'));
    await until(async () => (await t.runner.outbox.stats()).dead >= 2, 5000, 'two dead letters');
    expect(await json(t.admin('/replay', { method: 'POST', body: '{"all":true}' }))).toEqual({ replayed: 2 });
    await until(
      () => ['eve', 'fay'].every((a) => t.emulator.messages.some((m) => m.agentid === a)),
      5000,
      'both replayed',
    );
  });

  it('holds delivery on POST /admin/pause while still accepting, warns in /readyz, and resumes on POST /admin/resume', async () => {
    const paused = await t.admin('/pause', { method: 'POST', body: '{"reason":"maintenance window"}' });
    expect(await paused.json()).toEqual({ paused: true, reason: 'maintenance window' });
    const ready = await fetch(`${t.runner.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      outbox: 'sqlite',
      target: 'openconnect',
      warnings: ['delivery is paused: maintenance window'],
    });
    await t.postAcme(answered('p-1', 'pat', 'CA-P1'));
    await new Promise((r) => setTimeout(r, 200));
    expect(t.emulator.messages.some((m) => m.agentid === 'pat')).toBe(false);
    expect(await json(t.admin('/resume', { method: 'POST' }))).toEqual({
      resumed: true,
      wasPaused: 'maintenance window',
    });
    await until(() => t.emulator.messages.some((m) => m.agentid === 'pat'), 5000, 'delivery after resume');
  });

  it('answers 400 for a replay body that is not {ids} or {all: true}', async () => {
    for (const body of ['nope', '{"ids":[]}', '{"all":false}', '{"ids":["x"],"all":true}']) {
      const res = await t.admin('/replay', { method: 'POST', body });
      expect(res.status, body).toBe(400);
    }
  });
});

describe('admin API without ADMIN_TOKEN', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({ env: { ADMIN_TOKEN: '' } });
  });
  afterAll(() => t.close());

  it('is disabled with 403 and says so in the log', async () => {
    const res = await fetch(`${t.runner.url}/admin/deliveries`, {
      headers: { authorization: 'Bearer anything-at-all-000' },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'the admin API is disabled: set ADMIN_TOKEN to enable it' });
    expect(t.logs.join('')).toContain('the admin API is disabled (403): set ADMIN_TOKEN to enable it');
  });
});
