// The Agent Status API look-up's request and cache, against a stubbed fetch and a clock of our own: the
// URL and credentials 8x8 expects, what counts as a login, how long an answer (and a "no such agent") is
// kept, and that the cache is bounded.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAgentLookup } from '../src/agents.js';

const LI = 'agLiWei00000000000000000';
let clock = 0;
let calls: { url: string; headers: Record<string, string> }[] = [];

/** fetch answering every agent with `answer(agentId)`: a body (200), a status, or a thrown error. */
function stubFetch(answer: (agentId: string) => Record<string, unknown> | number | Error) {
  calls = [];
  vi.stubGlobal('fetch', async (url: string, init: { headers: Record<string, string> }) => {
    calls.push({ url, headers: init.headers });
    const result = answer(decodeURIComponent(url.split('/').at(-1)!));
    if (result instanceof Error) throw result;
    if (typeof result === 'number') return new Response('', { status: result });
    return new Response(JSON.stringify(result), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  });
}
afterEach(() => {
  vi.unstubAllGlobals();
  clock = 0;
});

const lookup = (overrides: Partial<Parameters<typeof createAgentLookup>[0]> = {}) =>
  createAgentLookup({
    url: 'https://vcc-eu3.8x8.com/api/v1',
    tenant: 'acme01',
    user: 'acme01',
    token: 'action-token-0123',
    loginField: 'name',
    cacheTtlMs: 60_000,
    timeoutMs: 2_000,
    now: () => clock,
    ...overrides,
  });

describe('the Agent Status API request', () => {
  it('GETs tenants/{tenant}/agentstatus/agents/{id} with Basic user:token, asking for JSON', async () => {
    stubFetch(() => ({ 'agent-id': LI, name: 'li.wei' }));
    await lookup({ url: 'https://vcc-eu3.8x8.com/api/v1//', tenant: 'acme 01', user: 'api-user' }).login(LI);
    expect(calls).toEqual([
      {
        url: `https://vcc-eu3.8x8.com/api/v1/tenants/acme%2001/agentstatus/agents/${LI}`,
        headers: {
          authorization: `Basic ${Buffer.from('api-user:action-token-0123').toString('base64')}`,
          accept: 'application/json',
        },
      },
    ]);
  });

  it('reads the login from the configured field, trimmed; a number is a login too', async () => {
    stubFetch((id) => (id === LI ? { name: '  li.wei ', extension: 2041 } : { name: 'x', extension: 2042 }));
    expect(await lookup().login(LI)).toBe('li.wei');
    expect(await lookup({ loginField: 'extension' }).login(LI)).toBe('2041');
  });

  it('has no login when the field is missing, blank, or not text, or the body is not JSON', async () => {
    stubFetch(() => ({ name: '   ', extension: null, email: { address: 'li@example.com' } }));
    expect(await lookup().login(LI)).toBeUndefined();
    expect(await lookup({ loginField: 'extension' }).login(LI)).toBeUndefined();
    expect(await lookup({ loginField: 'email' }).login(LI)).toBeUndefined();
    expect(await lookup({ loginField: 'missing' }).login(LI)).toBeUndefined();
    vi.stubGlobal('fetch', async () => new Response('<html>maintenance</html>', { status: 200 }));
    expect(await lookup().login(LI)).toBeUndefined();
  });

  it('names the host (not the token) when 8x8 cannot be reached', async () => {
    stubFetch(() => new Error('getaddrinfo ENOTFOUND vcc-eu3.8x8.com'));
    await expect(lookup().login(LI)).rejects.toThrow(
      'the 8x8 Agent Status API could not be reached at https://vcc-eu3.8x8.com/api/v1 (getaddrinfo ENOTFOUND vcc-eu3.8x8.com)',
    );
  });

  it('names the options to fix on a 403 as on a 401', async () => {
    stubFetch(() => 403);
    await expect(lookup().login(LI)).rejects.toThrow(
      'the 8x8 Agent Status API refused agentApiUser/agentApiToken for tenant acme01 (HTTP 403); a new token voids the old one',
    );
  });

  it('treats any answer but 200 and 404 as a failure, naming the status and the agent', async () => {
    stubFetch(() => 202);
    await expect(lookup().login(LI)).rejects.toThrow(
      `the 8x8 Agent Status API answered HTTP 202 for agent ${LI}`,
    );
  });

  it('asks nothing for an id that is not an 8x8 agent id (a path, too long)', async () => {
    stubFetch(() => ({ name: 'x' }));
    const agents = lookup();
    expect(await agents.login('ag/../../admin')).toBeUndefined();
    expect(await agents.login('a'.repeat(65))).toBeUndefined();
    expect(await agents.login('')).toBeUndefined();
    expect(await agents.login(`x${LI}!`)).toBeUndefined();
    expect(await agents.login('a'.repeat(64))).toBe('x');
    expect(calls).toHaveLength(1);
  });
});

describe('the Agent Status API cache', () => {
  it('keeps a login for cacheTtlMs, then asks again', async () => {
    stubFetch(() => ({ name: 'li.wei' }));
    const agents = lookup();
    await agents.login(LI);
    clock = 59_999;
    await agents.login(LI);
    expect(calls).toHaveLength(1);
    clock = 60_000;
    await agents.login(LI);
    expect(calls).toHaveLength(2);
  });

  it('keeps "no such agent" (404) for 5 minutes at most, or cacheTtlMs when shorter', async () => {
    stubFetch(() => 404);
    const agents = lookup({ cacheTtlMs: 3_600_000 });
    expect(await agents.login(LI)).toBeUndefined();
    clock = 299_999;
    await agents.login(LI);
    expect(calls).toHaveLength(1);
    clock = 300_000;
    await agents.login(LI);
    expect(calls).toHaveLength(2);

    const short = lookup({ cacheTtlMs: 1_000 });
    clock = 0;
    await short.login(LI);
    clock = 1_000;
    await short.login(LI);
    expect(calls).toHaveLength(4);
  });

  it('does not keep a failure: the next event asks again', async () => {
    let fail = true;
    stubFetch(() => (fail ? 503 : { name: 'li.wei' }));
    const agents = lookup();
    await expect(agents.login(LI)).rejects.toThrow('HTTP 503');
    fail = false;
    expect(await agents.login(LI)).toBe('li.wei');
    expect(calls).toHaveLength(2);
  });

  it('holds at most 5,000 agents, dropping the oldest first', async () => {
    stubFetch((id) => ({ name: id.toLowerCase() }));
    const agents = lookup();
    for (let i = 0; i < 5_000; i++) await agents.login(`ag${i}`);
    expect(calls).toHaveLength(5_000);
    await agents.login('ag0'); // still cached
    expect(calls).toHaveLength(5_000);
    await agents.login('agNew'); // the 5,001st drops ag0, the oldest
    await agents.login('ag1'); // still cached
    expect(calls).toHaveLength(5_001);
    await agents.login('ag0');
    expect(calls.at(-1)!.url).toMatch(/\/ag0$/);
    expect(calls).toHaveLength(5_002);
  });

  it('asks again for an expired agent without dropping another to make room', async () => {
    stubFetch((id) => ({ name: id.toLowerCase() }));
    const agents = lookup();
    for (let i = 0; i < 5_000; i++) await agents.login(`ag${i}`);
    clock = 60_000;
    await agents.login('ag1'); // expired: asked again, in its own place
    clock = 0;
    await agents.login('ag0'); // not dropped for it
    expect(calls).toHaveLength(5_001);
  });
});
