// The connector's options: each one's default, bounds and the message that tells the admin what to fix.
import { describe, expect, it } from 'vitest';
import { aesDmccEnabled, aesPortOf, axpUpkeepEnabled, config } from '../src/config.js';
import { AXP_MAPPED_EVENTS } from '../src/axp-events.js';

/** The messages of the issues a set of options raises, by option. */
const issues = (options: Record<string, unknown>) => {
  const result = config.safeParse(options);
  return result.success
    ? {}
    : Object.fromEntries(result.error.issues.map((i) => [i.path.join('.'), i.message]));
};
const AES = {
  aesHost: 'aes1.example.com',
  aesUser: 'cti',
  aesPassword: 'pw',
  aesSwitchName: 'CM1',
  aesExtensions: ['4001'],
};

describe('config defaults', () => {
  it('are the documented ones', () => {
    expect(config.parse({})).toEqual({
      authTokenHeader: 'auth-token',
      axpEvents: AXP_MAPPED_EVENTS,
      axpFamily: 'AGENT_ENGAGEMENT',
      axpUnmarkedLeg: 'transfer',
      axpCheckIntervalMs: 60_000,
      axpTokenPath: '/api/auth/v1/{accountId}/protocol/openid-connect/token',
      axpSubscriptionsPath: '/api/notification/v1/accounts/{accountId}/subscriptions',
      aesTls: true,
      aesVerifyServerName: true,
      aesProtocolVersion: 'http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv7',
      aesSessionDurationS: 180,
      aesSessionCleanupDelayS: 60,
      aesAgentLogin: 'directory',
      aesAgentStatePollMs: 30_000,
      aesRequestTimeoutMs: 10_000,
    });
  });

  it('lower-cases authTokenHeader, drops trailing slashes of axpApiUrl and repeated extensions', () => {
    const upkeep = {
      authToken: 'a'.repeat(16),
      axpAccountId: 'A',
      axpClientId: 'c',
      axpClientSecret: 's',
      axpAppKey: 'k',
    };
    const parsed = config.parse({
      authTokenHeader: 'X-Auth-Token',
      axpApiUrl: 'https://na.api.avayacloud.com//',
      ...upkeep,
      ...AES,
      aesExtensions: ['4001', '4002', '4001'],
    });
    expect([parsed.authTokenHeader, parsed.axpApiUrl, parsed.aesExtensions]).toEqual([
      'x-auth-token',
      'https://na.api.avayacloud.com',
      ['4001', '4002'],
    ]);
  });
});

describe('config refusals say what to fix', () => {
  it.each([
    [{ authToken: 'short' }, 'authToken', 'authToken must be at least 16 characters'],
    [{ authToken: 'x'.repeat(257) }, 'authToken', 'AXP accepts at most 256 characters'],
    [
      { authTokenHeader: 'bad header' },
      'authTokenHeader',
      'authTokenHeader must be a valid HTTP header name',
    ],
    [{ bridgeToken: 'short' }, 'bridgeToken', 'bridgeToken must be at least 16 characters'],
    [
      { axpApiUrl: 'ftp://na.api.avayacloud.com' },
      'axpApiUrl',
      'axpApiUrl must be an http(s) URL such as https://na.api.avayacloud.com',
    ],
    [
      { axpAccountId: 'ZWJ JIQ' },
      'axpAccountId',
      'axpAccountId must be the account id (letters and digits, e.g. ZWJJIQ)',
    ],
    [{ axpEvents: [] }, 'axpEvents', 'axpEvents must name at least one event'],
    [
      { axpTokenPath: 'api/{accountId}/token' },
      'axpTokenPath',
      'axpTokenPath must be a path starting with / that contains {accountId}',
    ],
    [
      { axpSubscriptionsPath: '/api/subscriptions' },
      'axpSubscriptionsPath',
      'axpSubscriptionsPath must be a path starting with / that contains {accountId}',
    ],
    [
      { ...AES, aesHost: 'tls://aes1' },
      'aesHost',
      'aesHost must be a host name or address, without scheme or port',
    ],
    [
      { ...AES, aesHost: 'aes1:4722' },
      'aesHost',
      'aesHost must be a host name or address, without scheme or port',
    ],
    [
      { ...AES, aesHost: 'aes 1' },
      'aesHost',
      'aesHost must be a host name or address, without scheme or port',
    ],
    [
      { ...AES, aesCaCert: 'not a pem' },
      'aesCaCert',
      'aesCaCert must be PEM text (-----BEGIN CERTIFICATE-----...)',
    ],
    [
      { ...AES, aesExtensions: ['4001x'] },
      'aesExtensions.0',
      'each of aesExtensions must be a station extension (digits)',
    ],
    [
      { ...AES, aesExtensions: ['12345678901234567'] },
      'aesExtensions.0',
      'each of aesExtensions must be a station extension (digits)',
    ],
    [
      { ...AES, aesExtensions: [] },
      'aesExtensions',
      'aesExtensions must name at least one station extension',
    ],
  ])('%j: %s', (options, path, message) => {
    expect(issues(options)[path]).toBe(message);
  });

  it('takes an IPv6 address as aesHost, and a 16-digit extension', () => {
    expect(issues({ ...AES, aesHost: 'fd00::10', aesExtensions: ['1234567890123456'] })).toEqual({});
  });

  it.each([
    ['axpCheckIntervalMs', 50, 3_600_000],
    ['aesPort', 1, 65_535],
    ['aesSessionDurationS', 1, 86_400],
    ['aesSessionCleanupDelayS', 0, 86_400],
    ['aesAgentStatePollMs', 50, 3_600_000],
    ['aesRequestTimeoutMs', 50, 300_000],
  ])('bounds %s to %i..%i', (option, min, max) => {
    expect(issues({ [option]: min })).toEqual({});
    expect(issues({ [option]: max })).toEqual({});
    expect(issues({ [option]: min - 1 })).toHaveProperty(option);
    expect(issues({ [option]: max + 1 })).toHaveProperty(option);
    expect(issues({ [option]: min + 0.5 })).toHaveProperty(option);
  });

  it('names every missing AES DMCC option, with what is set and what is needed', () => {
    expect(issues({ aesHost: 'aes1', aesSwitchName: 'CM1' })).toEqual({
      aesUser:
        'aesUser is required: the AES DMCC session is configured (aesHost, aesSwitchName set) and needs aesHost, aesUser, aesPassword, aesSwitchName, aesExtensions',
      aesPassword:
        'aesPassword is required: the AES DMCC session is configured (aesHost, aesSwitchName set) and needs aesHost, aesUser, aesPassword, aesSwitchName, aesExtensions',
      aesExtensions:
        'aesExtensions is required: the AES DMCC session is configured (aesHost, aesSwitchName set) and needs aesHost, aesUser, aesPassword, aesSwitchName, aesExtensions',
    });
  });

  it('names every missing AXP upkeep option, authToken included', () => {
    expect(issues({ axpClientId: 'cid', axpAppKey: 'k' })).toEqual(
      Object.fromEntries(
        ['axpApiUrl', 'axpAccountId', 'axpClientSecret', 'authToken'].map((key) => [
          key,
          `${key} is required: the AXP subscription upkeep is configured (axpClientId, axpAppKey set) and needs axpApiUrl, axpAccountId, axpClientId, axpClientSecret, axpAppKey, authToken`,
        ]),
      ),
    );
  });
});

describe('what the config turns on', () => {
  it('the AES DMCC session and the AXP upkeep only when all their options are set', () => {
    expect([aesDmccEnabled(config.parse({})), axpUpkeepEnabled(config.parse({}))]).toEqual([false, false]);
    expect(aesDmccEnabled(config.parse(AES))).toBe(true);
    expect(
      axpUpkeepEnabled(
        config.parse({
          authToken: 'a'.repeat(16),
          axpApiUrl: 'https://x.example',
          axpAccountId: 'A',
          axpClientId: 'c',
          axpClientSecret: 's',
          axpAppKey: 'k',
        }),
      ),
    ).toBe(true);
  });

  it('the DMCC port: aesPort, else 4722 with TLS and 4721 without', () => {
    expect(aesPortOf(config.parse(AES))).toBe(4722);
    expect(aesPortOf(config.parse({ ...AES, aesTls: false }))).toBe(4721);
    expect(aesPortOf(config.parse({ ...AES, aesTls: false, aesPort: 9000 }))).toBe(9000);
  });
});
