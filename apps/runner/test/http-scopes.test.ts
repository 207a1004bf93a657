// Each HTTP surface reads its own bodies (Fastify plugins, one scope each): webhooks keep them raw, the admin
// API reads JSON and names the body a route wanted, the dashboard reads its sign-in form, and a path that is
// no route is a 404 whatever its body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, answered, startTestRunner, type TestRunner } from './helpers/runner.js';

describe('each surface parses its own bodies', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner();
  });
  afterAll(() => t.close());

  const post = (path: string, contentType: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${t.runner.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...headers },
      body,
      redirect: 'manual',
    });

  it('admin: answers 400 naming the JSON a route reads when the body is not JSON', async () => {
    const pause = await t.admin('/pause', {
      method: 'POST',
      body: '{reason',
      headers: { 'content-type': 'application/json' },
    });
    expect(pause.status).toBe(400);
    expect(await pause.json()).toEqual({ error: 'the body must be JSON: {"reason": "..."} or empty' });
    const replay = await t.admin('/replay', { method: 'POST', body: 'nope' });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: 'the body must be JSON: {"ids": [...]} or {"all": true}' });
    const testSend = await t.admin('/test-send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(testSend.status).toBe(400);
    expect(await testSend.json()).toEqual({ error: 'the body must be JSON: {"agentid", "event", "props"}' });
  });

  it('admin: reads JSON from an API client whatever type it declares (curl -d says form)', async () => {
    const res = await post('/admin/pause', 'application/x-www-form-urlencoded', '{"reason":"from curl"}', {
      authorization: `Bearer ${ADMIN_TOKEN}`,
    });
    expect(await res.json()).toEqual({ paused: true, reason: 'from curl' });
    expect(
      await (await t.admin('/resume', { method: 'POST', body: 'ignored: resume reads no body' })).json(),
    ).toEqual({
      resumed: true,
      wasPaused: 'from curl',
    });
  });

  it('dashboard: signs in with the form and refuses any other body with 415 naming the form', async () => {
    const form = await post('/login', 'application/x-www-form-urlencoded', `token=${ADMIN_TOKEN}`);
    expect(form.status).toBe(303);
    expect(form.headers.get('set-cookie')).toMatch(/^oc_session=/);
    const json = await post('/login', 'application/json', JSON.stringify({ token: ADMIN_TOKEN }));
    expect(json.status).toBe(415);
    expect(await json.json()).toEqual({
      error:
        'the dashboard reads only its sign-in form (content-type: application/x-www-form-urlencoded), not application/json',
    });
  });

  it('webhooks: keep the body raw, so a JSON body that is not JSON reaches the connector, which says why', async () => {
    const res = await t.postAcme('{"id":');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/JSON/);
    expect((await t.postAcme(answered('scopes-1'))).status).toBe(200);
  });

  // Fastify refuses a content-type header that is no media type (type/subtype) before any parser runs; each
  // surface's 415 names what it reads instead of a bare "Unsupported Media Type".
  const NOT_A_TYPE = 'application json';

  it('webhooks: a content-type that is no media type gets 415 naming what webhooks take', async () => {
    const res = await post('/webhooks/acme/events', NOT_A_TYPE, JSON.stringify(answered('scopes-2')));
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      error:
        'the content-type "application json" is not a media type (type/subtype): webhooks take any media type, e.g. application/json, and the connector reads the body',
    });
  });

  it('admin: a content-type that is no media type gets 415 naming JSON', async () => {
    const res = await post('/admin/pause', NOT_A_TYPE, '{}', { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      error:
        'the content-type "application json" is not a media type (type/subtype): the admin API reads JSON (content-type: application/json)',
    });
  });

  it('dashboard: a content-type that is no media type gets 415 naming the sign-in form', async () => {
    const res = await post('/login', ';;;', `token=${ADMIN_TOKEN}`);
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      error:
        'the content-type ";;;" is not a media type (type/subtype): the dashboard reads only its sign-in form (content-type: application/x-www-form-urlencoded)',
    });
  });

  it('answers a path that is no route with 404 listing the routes, whatever its body', async () => {
    const res = await post('/nothing/here', 'application/json', '{not json');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe('no route POST /nothing/here');
  });

  it('answers a path that is no route with 404 even when its content-type is no media type', async () => {
    const res = await post('/nothing/here', NOT_A_TYPE, 'x');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe('no route POST /nothing/here');
  });
});
