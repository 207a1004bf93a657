import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_PATH, type Emulator, startEmulator } from '../src/testing/emulator.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ jwts: ['good-key'] });
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

const fields = { agentid: 'jdoe', jwt: 'good-key', crmid: 'acme.custhelp.com', event: 'On Answer' };
const postJson = (body: unknown) =>
  fetch(emulator.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('OpenConnect emulator', () => {
  it('accepts a POST with the four fields and records it without the jwt', async () => {
    const res = await postJson({ ...fields, ani: '+1555' });
    expect(res.status).toBe(200);
    expect(emulator.messages).toEqual([
      expect.objectContaining({
        method: 'POST',
        agentid: 'jdoe',
        crmid: 'acme.custhelp.com',
        event: 'On Answer',
        props: { ani: '+1555' },
      }),
    ]);
    expect(JSON.stringify(emulator.messages)).not.toContain('good-key');
  });

  it('accepts a GET with the fields in the query string', async () => {
    const res = await fetch(`${emulator.endpoint}?${new URLSearchParams({ ...fields, n: '1' })}`);
    expect(res.status).toBe(200);
    expect(emulator.messages[0]).toMatchObject({ method: 'GET', props: { n: '1' } });
  });

  it('answers 400 naming missing fields', async () => {
    const res = await postJson({ jwt: 'good-key', agentid: 'jdoe' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'missing required field(s): crmid, event' });
  });

  it('is case-sensitive about field names, as OpenConnect is', async () => {
    const res = await postJson({ agentId: 'jdoe', jwt: 'good-key', crmId: 'c', event: 'e' });
    expect(res.status).toBe(400);
  });

  it('answers 401 for an unknown or missing key', async () => {
    expect((await postJson({ ...fields, jwt: 'old-key' })).status).toBe(401);
    expect((await postJson({ ...fields, jwt: undefined })).status).toBe(401);
  });

  it('answers 413 above 128 KB', async () => {
    const res = await postJson({ ...fields, big: 'x'.repeat(131_072) });
    expect(res.status).toBe(413);
  });

  it('answers 404 on another path and 400 on a body that is not JSON', async () => {
    expect((await fetch(`${emulator.url}/api/other`)).status).toBe(404);
    const res = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(res.status).toBe(400);
  });

  it('fails the next N requests with the given status, then accepts again', async () => {
    emulator.failNext(2, 502);
    expect((await postJson(fields)).status).toBe(502);
    expect((await postJson(fields)).status).toBe(502);
    expect((await postJson(fields)).status).toBe(200);
    expect(emulator.messages).toHaveLength(1);
  });

  it('is controlled over HTTP too', async () => {
    await fetch(`${emulator.url}/__emulator/fail`, {
      method: 'POST',
      body: JSON.stringify({ count: 1, status: 500 }),
    });
    expect((await postJson(fields)).status).toBe(500);
    await postJson(fields);
    const listed = (await (await fetch(`${emulator.url}/__emulator/messages`)).json()) as {
      messages: unknown[];
    };
    expect(listed.messages).toHaveLength(1);
  });

  it('refuses connections until accept() and keeps its port', async () => {
    await emulator.refuseConnections();
    await expect(postJson(fields)).rejects.toThrow();
    await emulator.accept();
    expect((await postJson(fields)).status).toBe(200);
  });

  it('delays answers when asked', async () => {
    emulator.setDelay(150);
    const started = performance.now();
    await postJson(fields);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('waitFor resolves once enough messages arrived and rejects on timeout', async () => {
    const waiting = emulator.waitFor(2, 2_000);
    await postJson(fields);
    await postJson(fields);
    expect(await waiting).toHaveLength(2);
    await expect(emulator.waitFor(5, 50)).rejects.toThrow('2 of 5 messages');
  });

  it('answers 413 to a GET whose query is above 128 KB, and accepts one of 20 KB', async () => {
    const query = (size: number) => new URLSearchParams({ ...fields, big: 'x'.repeat(size) });
    expect((await fetch(`${emulator.endpoint}?${query(131_072)}`)).status).toBe(413);
    expect((await fetch(`${emulator.endpoint}?${query(20_000)}`)).status).toBe(200);
  });

  it('answers 401 to a GET with an unknown key', async () => {
    expect(
      (await fetch(`${emulator.endpoint}?${new URLSearchParams({ ...fields, jwt: 'old-key' })}`)).status,
    ).toBe(401);
    expect(emulator.messages).toEqual([]);
  });

  it('accepts a form-encoded POST', async () => {
    const res = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, caller: '+1 555' }).toString(),
    });
    expect(res.status).toBe(200);
    expect(emulator.messages[0]).toMatchObject({
      method: 'POST',
      agentid: 'jdoe',
      props: { caller: '+1 555' },
    });
  });

  it('answers 400 to a nested field and to a JSON body that is not an object', async () => {
    const nested = await postJson({ ...fields, caller: { number: '1' } });
    expect(nested.status).toBe(400);
    expect(await nested.json()).toEqual({ error: 'field caller must be a string, number or boolean' });
    expect((await postJson([fields])).status).toBe(400);
    expect(emulator.messages).toEqual([]);
  });

  it('answers 405 to a method other than GET and POST', async () => {
    expect((await fetch(emulator.endpoint, { method: 'PUT', body: JSON.stringify(fields) })).status).toBe(
      405,
    );
  });

  it('sends Retry-After with emulated failures when asked', async () => {
    emulator.failNext(1, 429, { retryAfter: '2' });
    const res = await postJson(fields);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
  });

  describe('controls over HTTP', () => {
    const control = (name: string, body?: unknown) =>
      fetch(`${emulator.url}/__emulator/${name}`, {
        method: 'POST',
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    it('fail takes a Retry-After', async () => {
      await control('fail', { count: 1, status: 429, retryAfter: 3 });
      expect((await postJson(fields)).headers.get('retry-after')).toBe('3');
    });

    it('delay slows every answer until set back to 0', async () => {
      await control('delay', { ms: 150 });
      let started = performance.now();
      await postJson(fields);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      await control('delay', { ms: 0 });
      started = performance.now();
      await postJson(fields);
      expect(performance.now() - started).toBeLessThan(140);
    });

    it('refuse closes the port for the given time, then accepts again on the same port', async () => {
      expect((await control('refuse', { ms: 300 })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 80));
      await expect(postJson(fields)).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 500));
      expect((await postJson(fields)).status).toBe(200);
    });

    it('reset forgets the messages and any pending failure', async () => {
      await postJson(fields);
      await control('fail', { count: 5 });
      await control('reset');
      expect(emulator.messages).toEqual([]);
      expect((await postJson(fields)).status).toBe(200);
    });

    it('answers 404 to an unknown control and 400 to a body that is not JSON', async () => {
      expect((await control('explode', {})).status).toBe(404);
      const res = await fetch(`${emulator.url}/__emulator/fail`, { method: 'POST', body: '{' });
      expect(res.status).toBe(400);
    });
  });

  it('serves the documented path', () => {
    expect(emulator.endpoint.endsWith(EMULATOR_PATH)).toBe(true);
  });
});
