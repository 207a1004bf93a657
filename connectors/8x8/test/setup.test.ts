// What the connector builds from its options: the Chat Gateway key once, and the Agent Status API look-up
// only when its URL and token are set, asking as the tenant and user 8x8 expects (streamTenant and
// agentApiUser default to each other).
import { createRuntime } from '@openconnect/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { C8x8Services } from '../src/config.js';
import connector from '../src/index.js';
import { es256Jwk } from './webhook-helpers.js';

const API = 'https://vcc-eu3.8x8.com/api/v1';
const services = (options: Record<string, unknown>) =>
  createRuntime(connector, { options }).services as C8x8Services;

let asked: { url: string; authorization: string; signal: AbortSignal }[] = [];
afterEach(() => {
  vi.unstubAllGlobals();
  asked = [];
});
function stubFetch() {
  vi.stubGlobal(
    'fetch',
    async (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => {
      asked.push({ url, authorization: init.headers.authorization!, signal: init.signal });
      return new Response(JSON.stringify({ name: 'li.wei', email: 'li.wei@example.com' }), { status: 200 });
    },
  );
}
const basic = (user: string, token: string) => `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;

describe('setup', () => {
  it('builds nothing without a key or an Agent Status API', () => {
    expect(services({})).toEqual({});
  });

  it('loads the Chat Gateway key once', () => {
    expect(Object.keys(services({ publicKey: es256Jwk }))).toEqual(['verificationKey']);
  });

  it('asks the Agent Status API as the stream tenant, user defaulting to it', async () => {
    stubFetch();
    const { agents } = services({
      agentApiUrl: API,
      agentApiToken: 'tok-1',
      streamTenant: 'acme01',
      streamApiKey: 'k',
      streamRegion: 'euw2',
    });
    expect(await agents!.login('agLi')).toBe('li.wei');
    expect(asked.map(({ url, authorization }) => [url, authorization])).toEqual([
      [`${API}/tenants/acme01/agentstatus/agents/agLi`, basic('acme01', 'tok-1')],
    ]);
  });

  it('asks with agentApiUser when it is set, and takes it as the tenant without streamTenant', async () => {
    stubFetch();
    await services({ agentApiUrl: API, agentApiToken: 'tok-1', agentApiUser: 'apiuser' }).agents!.login(
      'agLi',
    );
    await services({
      agentApiUrl: API,
      agentApiToken: 'tok-1',
      agentApiUser: 'apiuser',
      streamTenant: 'acme01',
      streamApiKey: 'k',
      streamRegion: 'euw2',
    }).agents!.login('agLi');
    expect(asked.map(({ url, authorization }) => [url, authorization])).toEqual([
      [`${API}/tenants/apiuser/agentstatus/agents/agLi`, basic('apiuser', 'tok-1')],
      [`${API}/tenants/acme01/agentstatus/agents/agLi`, basic('apiuser', 'tok-1')],
    ]);
  });

  it('reads the login from agentApiLoginField and caches it for agentCacheTtlMs', async () => {
    stubFetch();
    const { agents } = services({
      agentApiUrl: API,
      agentApiToken: 'tok-1',
      agentApiUser: 'acme01',
      agentApiLoginField: 'email',
      agentCacheTtlMs: 0,
    });
    expect(await agents!.login('agLi')).toBe('li.wei@example.com');
    await agents!.login('agLi'); // a TTL of 0 keeps nothing
    expect(asked).toHaveLength(2);
  });

  it('gives up on the API after agentApiTimeoutMs', async () => {
    vi.stubGlobal(
      'fetch',
      (_url: string, init: { signal: AbortSignal }) =>
        new Promise((_resolve, reject) => {
          init.signal.addEventListener('abort', () => reject(init.signal.reason));
        }),
    );
    const { agents } = services({
      agentApiUrl: API,
      agentApiToken: 'tok-1',
      agentApiUser: 'acme01',
      agentApiTimeoutMs: 150,
    });
    const began = Date.now();
    await expect(agents!.login('agLi')).rejects.toThrow(
      `the 8x8 Agent Status API could not be reached at ${API}`,
    );
    expect(Date.now() - began).toBeLessThan(2_000);
  });
});
