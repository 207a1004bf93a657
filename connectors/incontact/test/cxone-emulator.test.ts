// The CXone emulator refuses what CXone refuses, so a wrong client fails against it, and its faults do
// what the session tests rely on.
import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import type { CxoneEmulator } from '../src/emulators/index.js';
import { opener } from './cxone-harness.js';

const o = opener();
afterEach(() => o.closeAll());
const http = axios.create({ validateStatus: () => true, timeout: 5_000 });

async function token(
  emulator: CxoneEmulator,
  basic = `${emulator.clientId}:${emulator.clientSecret}`,
  key = emulator.accessKeySecret,
) {
  const form = new URLSearchParams({ grant_type: 'password', username: emulator.accessKeyId, password: key });
  return http.post(emulator.authUrl, form.toString(), {
    headers: {
      authorization: `Basic ${Buffer.from(basic).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
  });
}

async function api(
  emulator: CxoneEmulator,
  method: 'GET' | 'POST',
  path: string,
  bearer: string,
  data?: unknown,
) {
  return http.request({
    method,
    url: `${emulator.apiUrl}/services/v23.0/${path}`,
    headers: { authorization: `Bearer ${bearer}` },
    ...(data ? { data } : {}),
  });
}

describe('CXone emulator: what it refuses', () => {
  it('refuses a wrong client secret (401 invalid_client) and a wrong access key (400 invalid_grant)', async () => {
    const emulator = await o.emulator();
    const answers = [
      await token(emulator, `${emulator.clientId}:nope`),
      await token(emulator, undefined, 'nope'),
    ];
    expect(answers.map((a) => [a.status, a.data.error])).toEqual([
      [401, 'invalid_client'],
      [400, 'invalid_grant'],
    ]);
    expect(emulator.counters.tokensRefused).toBe(2);
  });

  it('refuses an unknown token and an expired one (counted as an expiration) with 401', async () => {
    const emulator = await o.emulator({ tokenLifetimeMs: 50 });
    const issued = (await token(emulator)).data as { access_token: string; expires_in: number };
    expect(issued.expires_in).toBe(0.05);
    expect((await api(emulator, 'GET', 'agents/states', 'made-up')).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await api(emulator, 'GET', 'agents/states', issued.access_token)).status).toBe(401);
    expect(emulator.counters.expirations).toBe(1);
  });

  it('refuses to join an agent who is not logged in (409) and an unknown session (404)', async () => {
    const emulator = await o.emulator({ agents: [{ agentId: '1', userName: 'a@x', loggedIn: false }] });
    const bearer = (await token(emulator)).data.access_token as string;
    expect((await api(emulator, 'POST', 'agent-sessions/join', bearer, { asAgentId: '1' })).status).toBe(409);
    expect((await api(emulator, 'GET', 'agent-sessions/nope/get-next-event?timeout=1', bearer)).status).toBe(
      404,
    );
  });
});

describe('CXone emulator: answers and faults', () => {
  it('answers contacts/active with 304 when nothing changed since updatedSince, and the change once it did', async () => {
    const emulator = await o.emulator();
    const bearer = (await token(emulator)).data.access_token as string;
    const first = await api(emulator, 'GET', 'contacts/active', bearer);
    const since = encodeURIComponent(first.data.lastPollTime);
    expect((await api(emulator, 'GET', `contacts/active?updatedSince=${since}`, bearer)).status).toBe(304);
    emulator.controls.call('23045871').offer();
    const changed = await api(emulator, 'GET', `contacts/active?updatedSince=${since}`, bearer);
    expect(changed.data.activeContacts.map((c: { stateName: string }) => c.stateName)).toEqual(['Incoming']);
  });

  it('with duplicates on, lists the same rows at the next poll and gives each get-next-event batch once more', async () => {
    const emulator = await o.emulator();
    const bearer = (await token(emulator)).data.access_token as string;
    const since = encodeURIComponent(
      (await api(emulator, 'GET', 'contacts/active', bearer)).data.lastPollTime,
    );
    const { sessionId } = (
      await api(emulator, 'POST', 'agent-sessions/join', bearer, { asAgentId: '23045871' })
    ).data;
    const next = () => api(emulator, 'GET', `agent-sessions/${sessionId}/get-next-event?timeout=1`, bearer);
    await next(); // AgentSessionStart...
    emulator.controls.duplicates();
    emulator.controls.call('23045871').offer();
    const listed = await api(emulator, 'GET', `contacts/active?updatedSince=${since}`, bearer);
    const again = await api(
      emulator,
      'GET',
      `contacts/active?updatedSince=${encodeURIComponent(listed.data.lastPollTime)}`,
      bearer,
    );
    expect(again.data.activeContacts).toEqual(listed.data.activeContacts);
    const batches = [await next(), await next(), await next()];
    expect(batches.map((b) => b.status)).toEqual([200, 200, 304]);
    expect(batches[1]!.data.events).toEqual(batches[0]!.data.events);
  });

  it('a malformed answer is a 200 whose body is not JSON', async () => {
    const emulator = await o.emulator();
    const bearer = (await token(emulator)).data.access_token as string;
    emulator.controls.malformed({ path: 'agents/states' });
    const answer = await http.get(`${emulator.apiUrl}/services/v23.0/agents/states`, {
      headers: { authorization: `Bearer ${bearer}` },
      responseType: 'text',
    });
    expect(answer.status).toBe(200);
    expect(() => JSON.parse(answer.data)).toThrow();
  });
});
