// The Workspace API client the runner holds, against a scripted vendor: the token requests (password and
// refresh grants, what a renewal does on each answer, when a failed renewal is waited out), the vendor's
// reason in every error, and the REST side (initialize-workspace, activate-channels, current-session).
import type { SessionError } from '@openconnect/core';
import type { AxiosInstance } from 'axios';
import { describe, expect, it } from 'vitest';
import { AgentToken, type AuthOptions, vendorReason } from '../src/workspace/auth.js';
import {
  activateChannels,
  currentSession,
  initializeWorkspace,
  WorkspaceGone,
  type WorkspaceSession,
} from '../src/workspace/rest.js';

interface Answer {
  status: number;
  data?: unknown;
  headers?: Record<string, unknown>;
}
interface Sent {
  method: string;
  url: string;
  headers: Record<string, unknown>;
  data: unknown;
}

const NOW = 1_780_000_000_000;
const TOKEN = {
  access_token: '4f1c2b7a9d3e4b5f8a6c0d1e2f3a4b5c',
  token_type: 'bearer',
  refresh_token: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  expires_in: 3599,
  scope: '*',
};
const ok = (data: Record<string, unknown> = TOKEN): Answer => ({ status: 200, data });

/** The vendor answers in order; past the script it grants a token (a loop that should have stopped ends). */
function vendor(...answers: Answer[]) {
  const sent: Sent[] = [];
  const answer = async (request: Sent) => {
    sent.push(request);
    const next = answers.shift() ?? ok({ ...TOKEN, access_token: 'past-the-script' });
    return { status: next.status, data: next.data ?? '', headers: next.headers ?? {} };
  };
  const http = {
    post: (url: string, data: unknown, config: { headers: Record<string, unknown> }) =>
      answer({ method: 'POST', url, headers: config.headers, data }),
    request: (config: Sent) =>
      answer({ method: config.method, url: config.url, headers: config.headers, data: config.data }),
  } as unknown as AxiosInstance;
  return { http, sent };
}

const AGENT = { username: 'acme\\jsmith', password: 'Winter-2026-pw!', dn: '5001', agentId: '1001' };

function agentToken(http: AxiosInstance, options: Partial<AuthOptions> = {}) {
  const clock = { now: NOW };
  const token = new AgentToken({
    http,
    url: 'https://api-usw1.genhtcc.com//',
    apiKey: 'x-api-key-0123456789',
    clientId: 'openconnect-runner',
    clientSecret: 'client-secret-0123',
    agent: AGENT,
    now: () => clock.now,
    signal: new AbortController().signal,
    ...options,
  });
  return { token, clock };
}

const grants = (sent: Sent[]) => sent.map((s) => new URLSearchParams(String(s.data)).get('grant_type'));
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as SessionError,
  );

describe('the vendor reason in an error', () => {
  it('is the OAuth error_description, trimmed', () => {
    expect(vendorReason({ error: 'invalid_grant', error_description: ' Bad credentials\n' }, 400)).toBe(
      'Bad credentials',
    );
  });

  it('skips a blank error_description for the next field', () => {
    expect(vendorReason({ error: 'invalid_grant', error_description: '  ' }, 400)).toBe('invalid_grant');
  });

  it("is Spring's first errors[].message", () => {
    expect(vendorReason({ errors: [{ code: 'NOT_FOUND', message: 'DN 5999 not found' }] }, 404)).toBe(
      'DN 5999 not found',
    );
  });

  it('is cut at 300 characters', () => {
    expect(vendorReason({ message: 'x'.repeat(400) }, 500)).toBe('x'.repeat(300));
  });

  it('is a plain-text body, trimmed', () => {
    expect(vendorReason('\nService Unavailable \n', 503)).toBe('Service Unavailable');
  });

  it('is a plain-text body cut at 300 characters', () => {
    expect(vendorReason('y'.repeat(400), 503)).toBe('y'.repeat(300));
  });

  it("is the status for a gateway's HTML page", () => {
    expect(vendorReason('\n  <html><body><h1>502 Bad Gateway</h1></body></html>', 502)).toBe('HTTP 502');
  });

  it('is the status for a blank body', () => {
    expect(vendorReason(' \n', 503)).toBe('HTTP 503');
  });

  it('is the status for a JSON null body', () => {
    expect(vendorReason(null, 502)).toBe('HTTP 502');
  });
});

describe('the agent token', () => {
  it('signs in by the password grant at {url}/auth/v3/oauth/token with the key and the Basic client, accepting JSON', async () => {
    const { http, sent } = vendor(ok());
    await agentToken(http).token.signIn();
    expect(sent).toEqual([
      {
        method: 'POST',
        url: 'https://api-usw1.genhtcc.com/auth/v3/oauth/token',
        headers: {
          'x-api-key': 'x-api-key-0123456789',
          authorization: `Basic ${Buffer.from('openconnect-runner:client-secret-0123').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        data: 'grant_type=password&username=acme%5Cjsmith&password=Winter-2026-pw%21&client_id=openconnect-runner&scope=*',
      },
    ]);
  });

  it('is the access token, the refresh token, and an expiry expires_in seconds from now', async () => {
    const { http } = vendor(ok());
    expect(await agentToken(http).token.signIn()).toStrictEqual({
      accessToken: TOKEN.access_token,
      refreshToken: TOKEN.refresh_token,
      expiresAt: NOW + 3_599_000,
    });
  });

  it('has no refresh token when the vendor gives none', async () => {
    const { http } = vendor(ok({ access_token: TOKEN.access_token, token_type: 'bearer', expires_in: 60 }));
    expect(await agentToken(http).token.signIn()).toStrictEqual({
      accessToken: TOKEN.access_token,
      expiresAt: NOW + 60_000,
    });
  });

  it('lasts an hour without expires_in', async () => {
    const { http } = vendor(ok({ access_token: TOKEN.access_token }));
    expect((await agentToken(http).token.signIn()).expiresAt).toBe(NOW + 3_600_000);
  });

  it('lasts an hour when expires_in is 0', async () => {
    const { http } = vendor(ok({ access_token: TOKEN.access_token, expires_in: 0 }));
    expect((await agentToken(http).token.signIn()).expiresAt).toBe(NOW + 3_600_000);
  });

  it('lasts an hour when expires_in is not a finite number', async () => {
    const { http } = vendor(ok({ access_token: TOKEN.access_token, expires_in: 'Infinity' }));
    expect((await agentToken(http).token.signIn()).expiresAt).toBe(NOW + 3_600_000);
  });

  it('is no token when a 200 carries no string access_token', async () => {
    const { http } = vendor(ok({ access_token: 4711, expires_in: 60 }));
    const error = await rejection(agentToken(http).token.signIn());
    expect(error.message).toBe('the Authentication API answered 200 for acme\\jsmith: HTTP 200');
  });

  it('is no token when a 200 carries an empty access_token (no Bearer to send)', async () => {
    const { http } = vendor(ok({ ...TOKEN, access_token: '' }));
    const error = await rejection(agentToken(http).token.signIn());
    expect(error.message).toBe('the Authentication API answered 200 for acme\\jsmith: HTTP 200');
  });

  it('is no token when an answer other than 200 carries an access_token', async () => {
    const { http } = vendor({
      status: 500,
      data: { access_token: 'stale', error: 'server_error', error_description: 'Internal error' },
    });
    const error = await rejection(agentToken(http).token.signIn());
    expect(error.message).toBe('the Authentication API answered 500 for acme\\jsmith: Internal error');
    expect(error.failed).toBe(false);
  });

  it('keeps the password out of a reason that echoes it', async () => {
    const { http } = vendor({
      status: 400,
      data: { error: 'invalid_grant', error_description: 'Bad credentials: Winter-2026-pw!' },
    });
    const error = await rejection(agentToken(http).token.signIn());
    expect(error.message).toBe(
      "the Authentication API refused the sign-in of acme\\jsmith: Bad credentials: [redacted] (check that agent's username, tenant\\user, and password in pureengageAgents)",
    );
  });

  it('asks to wait the Retry-After on a 429', async () => {
    const { http } = vendor({ status: 429, data: 'Too Many Requests', headers: { 'retry-after': '7' } });
    const error = await rejection(agentToken(http).token.signIn());
    expect(error.message).toBe('the Authentication API asks to slow down (429): Too Many Requests');
    expect(error.retryAfterMs).toBe(7_000);
  });

  it('fails a 503 with the vendor reason, as one that may pass', async () => {
    const { http } = vendor({ status: 503, data: 'Service Unavailable' });
    const error = await rejection(agentToken(http).token.signIn());
    expect(error.message).toBe('the Authentication API answered 503 for acme\\jsmith: Service Unavailable');
    expect(error.failed).toBe(false);
  });

  it('fails a JSON null body with the status', async () => {
    const { http } = vendor({ status: 502, data: null });
    const error = await rejection(agentToken(http).token.signIn());
    expect(error.message).toBe('the Authentication API answered 502 for acme\\jsmith: HTTP 502');
  });
});

describe('renewing the agent token', () => {
  it('uses the refresh token when it has one', async () => {
    const { http, sent } = vendor(ok(), ok({ ...TOKEN, access_token: 'renewed' }));
    const { token } = agentToken(http);
    await token.signIn();
    expect((await token.renew()).accessToken).toBe('renewed');
    expect(sent[1]!.data).toBe(
      `grant_type=refresh_token&refresh_token=${TOKEN.refresh_token}&client_id=openconnect-runner&scope=*`,
    );
  });

  it('signs in by the password when the refresh_token was not a string', async () => {
    const { http, sent } = vendor(ok({ ...TOKEN, refresh_token: 12345 }), ok());
    const { token } = agentToken(http);
    await token.signIn();
    await token.renew();
    expect(grants(sent)).toEqual(['password', 'password']);
  });

  it('signs in by the password before any token', async () => {
    const { http, sent } = vendor(ok());
    await agentToken(http).token.renew();
    expect(grants(sent)).toEqual(['password']);
  });

  it('signs in by the password again when the refresh token is refused (400 invalid_grant)', async () => {
    const { http, sent } = vendor(
      ok(),
      { status: 400, data: { error: 'invalid_grant', error_description: 'Invalid refresh token' } },
      ok({ ...TOKEN, access_token: 'by-password' }),
    );
    const { token } = agentToken(http);
    await token.signIn();
    expect((await token.renew()).accessToken).toBe('by-password');
    expect(grants(sent)).toEqual(['password', 'refresh_token', 'password']);
  });

  it('signs in by the password again when the refresh token has expired (401 invalid_token)', async () => {
    const { http, sent } = vendor(
      ok(),
      { status: 401, data: { error: 'invalid_token', error_description: 'Invalid refresh token (expired)' } },
      ok({ ...TOKEN, access_token: 'by-password' }),
    );
    const { token } = agentToken(http);
    await token.signIn();
    expect((await token.renew()).accessToken).toBe('by-password');
    expect(grants(sent)).toEqual(['password', 'refresh_token', 'password']);
  });

  it('fails at once when the refresh is refused for the OAuth client (401 unauthorized)', async () => {
    const { http, sent } = vendor(ok(), {
      status: 401,
      data: { error: 'unauthorized', error_description: 'Bad client credentials' },
    });
    const { token } = agentToken(http);
    await token.signIn();
    const error = await rejection(token.renew());
    expect(error.message).toBe(
      'the Authentication API refused the OAuth client openconnect-runner: Bad client credentials (check pureengageClientId and pureengageClientSecret)',
    );
    expect(error.failed).toBe(true);
    expect(grants(sent)).toEqual(['password', 'refresh_token']);
  });

  it('fails at once when the key is refused on the refresh (403), even as invalid_token', async () => {
    const { http, sent } = vendor(ok(), {
      status: 403,
      data: { error: 'invalid_token', error_description: 'Access denied' },
    });
    const { token } = agentToken(http);
    await token.signIn();
    const error = await rejection(token.renew());
    expect(error.message).toBe(
      'the Authentication API refused the request for acme\\jsmith: Access denied (check pureengageApiKey, and that the client may use the password grant)',
    );
    expect(grants(sent)).toEqual(['password', 'refresh_token']);
  });

  it('fails with a 503 to the refresh, without trying the password', async () => {
    const { http, sent } = vendor(ok(), { status: 503, data: 'Service Unavailable' });
    const { token } = agentToken(http);
    await token.signIn();
    const error = await rejection(token.renew());
    expect(error.message).toBe('the Authentication API answered 503 for acme\\jsmith: Service Unavailable');
    expect(grants(sent)).toEqual(['password', 'refresh_token']);
  });
});

describe('renewing the agent token in time', () => {
  const waits = () => {
    const slept: number[] = [];
    const warned: string[] = [];
    return {
      slept,
      warned,
      sleep: async (ms: number) => {
        slept.push(ms);
      },
      warn: (why: string) => warned.push(why),
    };
  };
  const NO_REFRESH = ok({ access_token: TOKEN.access_token, expires_in: 3600 });
  const UNAVAILABLE: Answer = { status: 503, data: 'Service Unavailable' };

  it('tries a failure that may pass again, after a quarter of the time left (at most 5 s)', async () => {
    const { http } = vendor(NO_REFRESH, UNAVAILABLE, UNAVAILABLE, ok({ ...TOKEN, access_token: 'renewed' }));
    const { token } = agentToken(http);
    await token.signIn();
    const w = waits();
    expect((await token.renewInTime(w.sleep, w.warn)).accessToken).toBe('renewed');
    expect(w.slept).toEqual([5_000, 5_000]);
    expect(w.warned).toEqual([
      'the Authentication API answered 503 for acme\\jsmith: Service Unavailable',
      'the Authentication API answered 503 for acme\\jsmith: Service Unavailable',
    ]);
  });

  it('still tries again with 250 ms left, after 62.5 ms', async () => {
    const { http } = vendor(NO_REFRESH, UNAVAILABLE, ok({ ...TOKEN, access_token: 'renewed' }));
    const { token, clock } = agentToken(http);
    await token.signIn();
    clock.now = NOW + 3_600_000 - 250;
    const w = waits();
    expect((await token.renewInTime(w.sleep, w.warn)).accessToken).toBe('renewed');
    expect(w.slept).toEqual([62.5]);
  });

  it('does not wait with under 250 ms left', async () => {
    const { http } = vendor(NO_REFRESH, UNAVAILABLE);
    const { token, clock } = agentToken(http);
    await token.signIn();
    clock.now = NOW + 3_600_000 - 249;
    const w = waits();
    const error = await rejection(token.renewInTime(w.sleep, w.warn));
    expect(error.message).toBe('the Authentication API answered 503 for acme\\jsmith: Service Unavailable');
    expect(w.slept).toEqual([]);
  });

  it('does not wait on refused credentials, however long the token lasts', async () => {
    const { http, sent } = vendor(NO_REFRESH, {
      status: 400,
      data: { error: 'invalid_grant', error_description: 'Bad credentials' },
    });
    const { token } = agentToken(http);
    await token.signIn();
    const w = waits();
    const error = await rejection(token.renewInTime(w.sleep, w.warn));
    expect(error.failed).toBe(true);
    expect(w.slept).toEqual([]);
    expect(sent).toHaveLength(2);
  });

  it('does not wait once the session is stopping', async () => {
    const stopping = new AbortController();
    const { http } = vendor(NO_REFRESH, UNAVAILABLE);
    const { token } = agentToken(http, { signal: stopping.signal });
    await token.signIn();
    stopping.abort();
    const w = waits();
    const error = await rejection(token.renewInTime(w.sleep, w.warn));
    expect(error.message).toBe('the Authentication API answered 503 for acme\\jsmith: Service Unavailable');
    expect(w.slept).toEqual([]);
  });

  it('does not wait before any token', async () => {
    const { http } = vendor(UNAVAILABLE);
    const w = waits();
    const error = await rejection(agentToken(http).token.renewInTime(w.sleep, w.warn));
    expect(error.message).toBe('the Authentication API answered 503 for acme\\jsmith: Service Unavailable');
    expect(w.slept).toEqual([]);
  });
});

const API = { url: 'https://api-usw1.genhtcc.com//', apiKey: 'x-api-key-0123456789' };
const signal = new AbortController().signal;
const SESSION_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

async function initialized(answer: Answer) {
  const { http, sent } = vendor(answer);
  const result = initializeWorkspace({ ...API, http, signal }, TOKEN.access_token, 'acme\\jsmith');
  return { result, sent };
}
const initialize = (headers: Record<string, unknown>) =>
  initialized({ status: 200, data: { status: { code: 1 } }, headers });

describe('initialize-workspace', () => {
  it('posts the bearer token and the key to {url}/workspace/v3/initialize-workspace, accepting JSON', async () => {
    const { result, sent } = await initialize({
      'set-cookie': [`WORKSPACE_SESSIONID=${SESSION_ID}; Path=/`],
    });
    await result;
    expect(sent).toEqual([
      {
        method: 'POST',
        url: 'https://api-usw1.genhtcc.com/workspace/v3/initialize-workspace',
        headers: {
          'x-api-key': 'x-api-key-0123456789',
          authorization: `Bearer ${TOKEN.access_token}`,
          accept: 'application/json',
        },
        data: undefined,
      },
    ]);
  });

  it('is the session of the WORKSPACE_SESSIONID among the Set-Cookie headers', async () => {
    const { result } = await initialize({
      'set-cookie': [
        'BAYEUX_BROWSER=f2k1x9; Path=/; HttpOnly',
        `WORKSPACE_SESSIONID=${SESSION_ID}; Path=/; HttpOnly; Secure`,
      ],
    });
    expect(await result).toMatchObject({ sessionId: SESSION_ID, username: 'acme\\jsmith' });
  });

  it('reads a single Set-Cookie header given as a string', async () => {
    const { result } = await initialize({ 'set-cookie': `WORKSPACE_SESSIONID=${SESSION_ID}; Path=/` });
    expect((await result).sessionId).toBe(SESSION_ID);
  });

  it('drops the spaces around the cookie name and value', async () => {
    const { result } = await initialize({ 'set-cookie': [`WORKSPACE_SESSIONID = ${SESSION_ID} ; Path=/`] });
    expect((await result).sessionId).toBe(SESSION_ID);
  });

  it('fails naming the cookie when the answer sets none', async () => {
    const { result } = await initialize({ 'set-cookie': ['BAYEUX_BROWSER=f2k1x9; Path=/'] });
    expect((await rejection(result)).message).toBe(
      'initialize-workspace for acme\\jsmith set no WORKSPACE_SESSIONID cookie (answered 200)',
    );
  });

  it('takes a WORKSPACE_SESSIONID without "=" for no cookie', async () => {
    const { result } = await initialize({ 'set-cookie': ['WORKSPACE_SESSIONID ; Path=/'] });
    expect((await rejection(result)).message).toBe(
      'initialize-workspace for acme\\jsmith set no WORKSPACE_SESSIONID cookie (answered 200)',
    );
  });

  it('a refused token (401) is a failure the next session passes by signing in again', async () => {
    const { result } = await initialized({
      status: 401,
      data: { error: 'invalid_token', error_description: 'Invalid access token' },
    });
    const error = await rejection(result);
    expect(error.message).toBe(
      'initialize-workspace refused the token of acme\\jsmith (401): Invalid access token',
    );
    expect(error.failed).toBe(false);
  });

  it('a refused user (403) fails the session, naming the licence and pureengageApiKey', async () => {
    const { result } = await initialized({ status: 403, data: { message: 'Forbidden' } });
    const error = await rejection(result);
    expect(error.message).toBe(
      'initialize-workspace refused acme\\jsmith (403): Forbidden (the user needs a Workspace API licence and an agent login; check pureengageApiKey)',
    );
    expect(error.failed).toBe(true);
  });

  it('a 429 asks to wait the Retry-After', async () => {
    const { result } = await initialized({
      status: 429,
      data: 'Too Many Requests',
      headers: { 'retry-after': '3' },
    });
    const error = await rejection(result);
    expect(error.message).toBe(
      'initialize-workspace for acme\\jsmith: the Workspace API asks to slow down (429): Too Many Requests',
    );
    expect(error.retryAfterMs).toBe(3_000);
  });

  it('a 429 without Retry-After asks to wait 5 s', async () => {
    const { result } = await initialized({ status: 429, data: 'Too Many Requests' });
    expect((await rejection(result)).retryAfterMs).toBe(5_000);
  });

  it('a 503 is a failure that may pass, in the vendor words', async () => {
    const { result } = await initialized({ status: 503, data: 'Service Unavailable' });
    const error = await rejection(result);
    expect(error.message).toBe('initialize-workspace for acme\\jsmith answered 503: Service Unavailable');
    expect(error.failed).toBe(false);
  });

  it('a 300 is no session', async () => {
    const { result } = await initialized({ status: 300, data: '' });
    expect((await rejection(result)).message).toBe(
      'initialize-workspace for acme\\jsmith answered 300: HTTP 300',
    );
  });
});

function session(...answers: Answer[]) {
  const { http, sent } = vendor(...answers);
  const s: WorkspaceSession = { ...API, http, signal, sessionId: SESSION_ID, username: 'acme\\jsmith' };
  return { s, sent };
}

describe('activate-channels', () => {
  it('posts {"data":{agentId,dn}} as JSON with the session cookie and the key', async () => {
    const { s, sent } = session({ status: 200, data: { status: { code: 0 } } });
    await activateChannels(s, '1001', '5001');
    expect(sent).toEqual([
      {
        method: 'POST',
        url: 'https://api-usw1.genhtcc.com/workspace/v3/activate-channels',
        headers: {
          'x-api-key': 'x-api-key-0123456789',
          cookie: `WORKSPACE_SESSIONID=${SESSION_ID}`,
          accept: 'application/json',
          'content-type': 'application/json',
        },
        data: { data: { agentId: '1001', dn: '5001' } },
      },
    ]);
  });

  it('an unknown DN (404) fails the session, naming dn and agentId', async () => {
    const { s } = session({ status: 404, data: { status: { code: 404, message: 'DN 5999 not found' } } });
    const error = await rejection(activateChannels(s, '1001', '5999'));
    expect(error.message).toBe(
      'activate-channels refused agent 1001 on DN 5999 for acme\\jsmith: DN 5999 not found (check dn and agentId in pureengageAgents)',
    );
    expect(error.failed).toBe(true);
  });

  it('a 503 is a failure that may pass, in the vendor words', async () => {
    const { s } = session({ status: 503, data: 'Service Unavailable' });
    const error = await rejection(activateChannels(s, '1001', '5001'));
    expect(error.message).toBe('activate-channels for acme\\jsmith answered 503: Service Unavailable');
    expect(error.failed).toBe(false);
  });

  it('a 300 is no activation', async () => {
    const { s } = session({ status: 300, data: '' });
    expect((await rejection(activateChannels(s, '1001', '5001'))).message).toBe(
      'activate-channels for acme\\jsmith answered 300: HTTP 300',
    );
  });

  it('a 403 means the Workspace session is gone', async () => {
    const { s } = session({ status: 403, data: { message: 'Forbidden' } });
    const error = await rejection(activateChannels(s, '1001', '5001'));
    expect(error).toBeInstanceOf(WorkspaceGone);
    expect(error.message).toBe(
      'the Workspace session of acme\\jsmith ended (/activate-channels answered 403: Forbidden)',
    );
  });
});

describe('current-session', () => {
  const CALL = { id: '0071025f-1e2a-4b7c', state: 'Established', callType: 'Inbound', ani: '3175550142' };
  const DN = { number: '5001', agentState: 'Ready' };
  const of = (activeSession: unknown) => ({
    status: 200,
    data: { status: { code: 0 }, data: { user: { userName: 'jsmith', activeSession } } },
  });

  it('gets {url}/workspace/v3/current-session with the session cookie and the key, without a body', async () => {
    const { s, sent } = session(of({ calls: [] }));
    await currentSession(s);
    expect(sent).toEqual([
      {
        method: 'GET',
        url: 'https://api-usw1.genhtcc.com/workspace/v3/current-session',
        headers: {
          'x-api-key': 'x-api-key-0123456789',
          cookie: `WORKSPACE_SESSIONID=${SESSION_ID}`,
          accept: 'application/json',
        },
        data: undefined,
      },
    ]);
  });

  it("is the active session's calls, dropping entries that are no call, and its DN", async () => {
    const { s } = session(of({ calls: [CALL, null, 'x', [CALL]], dn: DN }));
    expect(await currentSession(s)).toStrictEqual({ calls: [CALL], dn: DN });
  });

  it('has no calls when the active session lists none', async () => {
    const { s } = session(of({ dn: DN }));
    expect(await currentSession(s)).toStrictEqual({ calls: [], dn: DN });
  });

  it('is no snapshot when the API does not serve it (404)', async () => {
    const { s } = session({ status: 404, data: { status: { code: 404, message: 'Not Found' }, data: {} } });
    expect(await currentSession(s)).toBeUndefined();
  });

  it('is no snapshot when the 200 is not a JSON object', async () => {
    const { s } = session({ status: 200, data: 'OK' });
    expect(await currentSession(s)).toBeUndefined();
  });

  it('is no snapshot when the 200 is a JSON list: read as no calls, it would end every call kept', async () => {
    const { s } = session({ status: 200, data: [] });
    expect(await currentSession(s)).toBeUndefined();
  });

  it('is no snapshot when the 200 is JSON null', async () => {
    const { s } = session({ status: 200, data: null });
    expect(await currentSession(s)).toBeUndefined();
  });

  it('a 401 means the Workspace session is gone', async () => {
    const { s } = session({ status: 401, data: { message: 'Unauthorized' } });
    const error = await rejection(currentSession(s));
    expect(error).toBeInstanceOf(WorkspaceGone);
    expect(error.message).toBe(
      'the Workspace session of acme\\jsmith ended (/current-session answered 401: Unauthorized)',
    );
  });
});
