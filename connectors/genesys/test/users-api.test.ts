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

const usersApi = (now: () => number, cacheTtlMs: number) =>
  createUsersApi({
    loginUrl: genesys.url,
    apiUrl: genesys.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    loginField: 'username',
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

  it('renews the token shortly before Genesys says it expires', async () => {
    let now = 1_000_000;
    const users = usersApi(() => now, 10 * 60_000);
    await users.login(MARIA);
    now += 86_399_000 - 60_000; // expires_in minus the renewal margin
    await users.login(LI);
    expect(genesys.tokenRequests).toBe(2);
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
