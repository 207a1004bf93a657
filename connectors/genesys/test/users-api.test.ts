// The Genesys Cloud userId → login look-up, against a local server that answers like Genesys.
import { type ConnectorSettingsInput, createRuntime, handleRequest, type Outcome } from '@openconnect/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import connector, { createUsersApi } from '../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, type GenesysEmulator, startGenesysEmulator } from './genesys-emulator.js';
import { userStart } from './requests.js';
import { CLOUD_KEY } from './settings.js';

const MARIA = '2c1f0e9d-aaaa-4bbb-8ccc-000000000001';
const LI = '2c1f0e9d-aaaa-4bbb-8ccc-000000000002';
const NOBODY = '2c1f0e9d-aaaa-4bbb-8ccc-0000000000ff';

let genesys: GenesysEmulator;
beforeEach(async () => {
  genesys = await startGenesysEmulator();
});
afterEach(async () => {
  await genesys.close();
});

function runtime(options: Record<string, unknown> = {}, directory: Record<string, string> = {}) {
  const settings: ConnectorSettingsInput = {
    options: {
      cloudApiKey: CLOUD_KEY,
      cloudClientId: CLIENT_ID,
      cloudClientSecret: CLIENT_SECRET,
      cloudLoginUrl: genesys.url,
      cloudApiUrl: genesys.url,
      ...options,
    },
    directory,
  };
  return createRuntime(connector, settings);
}

const CLOSED = 'http://127.0.0.1:9'; // discard port: nothing listens, the connection is refused

const usersApi = (
  now: () => number,
  cacheTtlMs: number,
  options: { loginField?: 'username' | 'email'; loginUrl?: string; apiUrl?: string } = {},
) =>
  createUsersApi({
    loginUrl: options.loginUrl ?? genesys.url,
    apiUrl: options.apiUrl ?? genesys.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    loginField: options.loginField ?? 'username',
    cacheTtlMs,
    timeoutMs: 2_000,
    now,
  });

const agentOf = (outcome: Outcome) =>
  outcome.kind === 'accepted' ? outcome.messages.map((m) => m.agentid) : outcome.kind;

describe('Genesys Cloud Users API look-up', () => {
  it('resolves a userId outside the directory to the username, with a client-credentials token', async () => {
    const outcome = await handleRequest(runtime(), userStart(MARIA), 'cloud');
    expect(agentOf(outcome)).toEqual(['maria.garcia']);
    expect(genesys.tokenRequests).toBe(1);
    expect(genesys.userRequests).toEqual([MARIA]);
  });

  it('asks the Users API once per user while the cache holds it', async () => {
    const rt = runtime();
    await handleRequest(rt, userStart(MARIA, 'evt-1'), 'cloud');
    const second = await handleRequest(rt, userStart(MARIA, 'evt-2'), 'cloud');
    expect(agentOf(second)).toEqual(['maria.garcia']);
    expect(genesys.userRequests).toEqual([MARIA]);
  });

  it('reuses one token for several users', async () => {
    const rt = runtime();
    await handleRequest(rt, userStart(MARIA), 'cloud');
    await handleRequest(rt, userStart(LI), 'cloud');
    expect(genesys.tokenRequests).toBe(1);
    expect(genesys.userRequests).toEqual([MARIA, LI]);
  });

  it('uses the static directory first, without calling Genesys', async () => {
    const outcome = await handleRequest(runtime({}, { [MARIA]: 'mgarcia-crm' }), userStart(MARIA), 'cloud');
    expect(agentOf(outcome)).toEqual(['mgarcia-crm']);
    expect(genesys.tokenRequests).toBe(0);
    expect(genesys.userRequests).toEqual([]);
  });

  it('uses the email as the login when cloudLoginField is email', async () => {
    const outcome = await handleRequest(runtime({ cloudLoginField: 'email' }), userStart(LI), 'cloud');
    expect(agentOf(outcome)).toEqual(['li.wei@example.com']);
  });

  it('ignores a user Genesys does not know, and does not ask again right away', async () => {
    const rt = runtime();
    const first = await handleRequest(rt, userStart(NOBODY, 'evt-1'), 'cloud');
    const second = await handleRequest(rt, userStart(NOBODY, 'evt-2'), 'cloud');
    expect(first.kind === 'ignored' && first.reason).toContain(`Genesys Cloud has no user ${NOBODY}`);
    expect(second.kind).toBe('ignored');
    expect(genesys.userRequests).toEqual([NOBODY]);
  });

  it('never asks the Users API about a userId that is not a GUID', async () => {
    const outcome = await handleRequest(runtime(), userStart('..'), 'cloud');
    expect(outcome.kind === 'ignored' && outcome.reason).toContain('".." is not a Genesys Cloud user id');
    expect([genesys.tokenRequests, genesys.userRequests]).toEqual([0, []]);
  });

  it('fetches a new token once when Genesys refuses the cached one', async () => {
    const rt = runtime();
    await handleRequest(rt, userStart(MARIA), 'cloud');
    genesys.revokeTokens();
    const outcome = await handleRequest(rt, userStart(LI), 'cloud');
    expect(agentOf(outcome)).toEqual(['li.wei']);
    expect(genesys.tokenRequests).toBe(2);
  });

  it('fails with 503 (so EventBridge retries) when the Users API answers 500', async () => {
    genesys.failWith = 500;
    const outcome = await handleRequest(runtime(), userStart(MARIA), 'cloud');
    expect(outcome.kind).toBe('failed');
    expect(outcome.answer.status).toBe(503);
  });

  it('fails with 503 when Genesys cannot be reached', async () => {
    const url = genesys.url;
    await genesys.close();
    genesys = await startGenesysEmulator(); // afterEach needs a server to close
    const outcome = await handleRequest(
      runtime({ cloudLoginUrl: url, cloudApiUrl: url }),
      userStart(MARIA),
      'cloud',
    );
    expect(outcome.kind === 'failed' && outcome.reason).toContain('could not be reached');
    expect(outcome.answer.status).toBe(503);
  });

  it('names the settings to check when the client credentials are refused, without the secret', async () => {
    const outcome = await handleRequest(
      runtime({ cloudClientSecret: 'not-the-right-secret-999' }),
      userStart(MARIA),
      'cloud',
    );
    expect(outcome.kind).toBe('failed');
    const reason = outcome.kind === 'failed' ? outcome.reason : '';
    expect(reason).toContain('check cloudClientId, cloudClientSecret and cloudLoginUrl');
    expect(reason).not.toContain('not-the-right-secret-999');
  });

  it('shares one token request between concurrent look-ups', async () => {
    const rt = runtime();
    const outcomes = await Promise.all([
      handleRequest(rt, userStart(MARIA), 'cloud'),
      handleRequest(rt, userStart(LI), 'cloud'),
    ]);
    expect(outcomes.map(agentOf)).toEqual([['maria.garcia'], ['li.wei']]);
    expect(genesys.tokenRequests).toBe(1);
  });

  it('renews the token shortly before Genesys says it expires, not sooner', async () => {
    let now = 1_000_000;
    const users = usersApi(() => now, 10 * 60_000);
    await users.login(MARIA);
    now += 86_399_000 - 60_000 - 1; // just before expires_in minus the renewal margin
    await users.login(LI);
    expect(genesys.tokenRequests).toBe(1);
    now += 1;
    await users.login(NOBODY);
    expect(genesys.tokenRequests).toBe(2);
  });

  it('takes a token without expires_in to last an hour', async () => {
    genesys.tokenBody = (token) => ({ access_token: token, token_type: 'bearer' });
    let now = 1_000_000;
    const users = usersApi(() => now, 10 * 60_000);
    await users.login(MARIA);
    now += 3_600_000 - 60_000 - 1;
    await users.login(LI);
    expect(genesys.tokenRequests).toBe(1);
    now += 1;
    await users.login(NOBODY);
    expect(genesys.tokenRequests).toBe(2);
  });

  it('names the client credentials when the login host answers 200 without a token', async () => {
    genesys.tokenBody = () => ({ token_type: 'bearer', expires_in: 86399 });
    await expect(usersApi(Date.now, 60_000).login(MARIA)).rejects.toThrow(
      'the Genesys Cloud login host refused the client credentials (HTTP 200); check cloudClientId, cloudClientSecret and cloudLoginUrl (the region)',
    );
    expect(genesys.userRequests).toEqual([]);
  });

  it('names the network error when the login host cannot be reached', async () => {
    await expect(usersApi(Date.now, 60_000, { loginUrl: CLOSED }).login(MARIA)).rejects.toThrow(
      /^the Genesys Cloud login host could not be reached \(ECONNREFUSED\)$/,
    );
  });

  it('names the network error when the Users API cannot be reached', async () => {
    await expect(usersApi(Date.now, 60_000, { apiUrl: CLOSED }).login(MARIA)).rejects.toThrow(
      /^the Genesys Cloud Users API could not be reached \(ECONNREFUSED\)$/,
    );
  });

  it('names the permission the OAuth client lacks when the Users API answers 403', async () => {
    genesys.failUsersWith = 403;
    await expect(usersApi(Date.now, 60_000).login(MARIA)).rejects.toThrow(
      /^the Genesys Cloud Users API answered 403: give the OAuth client a role with the user-view permission$/,
    );
  });

  it('names the HTTP status when the Users API answers 500', async () => {
    genesys.failUsersWith = 500;
    await expect(usersApi(Date.now, 60_000).login(MARIA)).rejects.toThrow(
      /^the Genesys Cloud Users API answered HTTP 500$/,
    );
  });

  it('gets one new token when the Users API answers 401, then gives up naming the status', async () => {
    genesys.failUsersWith = 401;
    await expect(usersApi(Date.now, 60_000).login(MARIA)).rejects.toThrow(
      /^the Genesys Cloud Users API answered HTTP 401$/,
    );
    expect([genesys.tokenRequests, genesys.userRequests]).toEqual([2, [MARIA, MARIA]]);
  });

  it('takes a user without the login field, or with an empty one, as no login', async () => {
    genesys.users[MARIA] = { username: 'maria.garcia', email: '', name: 'Maria Garcia' };
    genesys.users[LI] = { username: 'li.wei', name: 'Li Wei' };
    const users = usersApi(Date.now, 60_000, { loginField: 'email' });
    expect([await users.login(MARIA), await users.login(LI)]).toEqual([undefined, undefined]);
  });

  it('asks again at the moment a cached login expires', async () => {
    let now = 1_000_000;
    const users = usersApi(() => now, 60_000);
    await users.login(MARIA);
    now += 60_000;
    await users.login(MARIA);
    expect(genesys.userRequests).toEqual([MARIA, MARIA]);
  });

  it('asks again about an unknown user after five minutes, even when logins are kept longer', async () => {
    let now = 1_000_000;
    const users = usersApi(() => now, 10 * 60_000);
    await users.login(NOBODY);
    now += 5 * 60_000 - 1;
    await users.login(NOBODY);
    expect(genesys.userRequests).toEqual([NOBODY]);
    now += 1;
    await users.login(NOBODY);
    expect(genesys.userRequests).toEqual([NOBODY, NOBODY]);
  });

  it('looks up no user without both client credentials', async () => {
    const outcome = await handleRequest(runtime({ cloudClientSecret: undefined }), userStart(MARIA), 'cloud');
    expect(outcome.kind === 'ignored' && outcome.reason).toContain('no Users API client is configured');
    expect([genesys.tokenRequests, genesys.userRequests]).toEqual([0, []]);
  });

  it('asks again once a cached login has expired', async () => {
    let now = 1_000_000;
    const users = usersApi(() => now, 60_000);
    await users.login(MARIA);
    now += 59_000;
    await users.login(MARIA);
    now += 2_000;
    expect(await users.login(MARIA)).toBe('maria.garcia');
    expect(genesys.userRequests).toEqual([MARIA, MARIA]);
  });
});
