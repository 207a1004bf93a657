// What the three Lambda handlers share (src/lambda/host.ts), on its own: the environment it reads, the errors
// that name the variable to fix, the log line CloudWatch receives and the console method that carries each level.
// The bundled handlers are tested end to end in lambda.test.ts.
import { ConfigError, type Outcome } from '@openconnect/core';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { createHost, type Env, log, reasonOf } from '../src/lambda/host.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.lambda-host-test-jwt.c2lnbmF0dXJl';
/** The smallest environment a deployment may have: the two required variables. */
const ENV: Env = { OPENCONNECT_JWT: JWT, OPENCONNECT_CRMID: 'acme.example.com' };

/** What createHost throws for this environment (message and hint), or undefined when it builds a host. */
function refusal(env: Env): { message: string; hint: string } | undefined {
  try {
    createHost(env, { timeoutMs: 5000 });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return { message: (error as ConfigError).message, hint: (error as ConfigError).hint };
  }
}

describe('Lambda host environment', () => {
  it('names the missing variable and says what to set it to', () => {
    expect(refusal({ ...ENV, OPENCONNECT_JWT: undefined })).toEqual({
      message: 'OPENCONNECT_JWT is not set',
      hint: 'set it to an Experience Cloud API key of type OpenConnect',
    });
    expect(refusal({ ...ENV, OPENCONNECT_CRMID: ' ' })).toEqual({
      message: 'OPENCONNECT_CRMID is not set',
      hint: 'set it to the CRM domain (Zendesk: the host name)',
    });
  });

  it('names a JSON variable that is not JSON and shows the form it takes', () => {
    for (const name of ['DIRECTORY_JSON', 'EVENTS_JSON', 'PROPS_JSON']) {
      expect(refusal({ ...ENV, [name]: '{"answered":' })).toEqual({
        message: `${name} is not valid JSON`,
        hint: `set ${name} to a JSON object, e.g. {"<key>":"<value>"}`,
      });
    }
  });

  it('names a number variable that is not a positive number and gives its default as the example', () => {
    expect(refusal({ ...ENV, OPENCONNECT_TIMEOUT_MS: '-1' })).toEqual({
      message: 'OPENCONNECT_TIMEOUT_MS must be a positive number',
      hint: 'e.g. OPENCONNECT_TIMEOUT_MS=5000',
    });
    expect(refusal({ ...ENV, USER_CACHE_TTL_MS: 'an hour' })).toEqual({
      message: 'USER_CACHE_TTL_MS must be a positive number',
      hint: 'e.g. USER_CACHE_TTL_MS=3600000',
    });
  });

  it('takes a blank OPENCONNECT_TIMEOUT_MS as unset: the handler’s own timeout', () => {
    expect(createHost({ ...ENV, OPENCONNECT_TIMEOUT_MS: '   ' }, { timeoutMs: 3000 }).timeoutMs).toBe(3000);
    expect(createHost({ ...ENV, OPENCONNECT_TIMEOUT_MS: ' 750 ' }, { timeoutMs: 3000 }).timeoutMs).toBe(750);
  });

  it('takes a blank or missing OPENCONNECT_URL as unset (OpenConnect’s own URL), and refuses one that is no URL', () => {
    expect(refusal({ ...ENV, OPENCONNECT_URL: '   ' })).toBeUndefined();
    expect(refusal({ ...ENV, OPENCONNECT_URL: undefined })).toBeUndefined();
    expect(refusal({ ...ENV, OPENCONNECT_URL: ' http://127.0.0.1:1/api/sendmessage/CRM ' })).toBeUndefined();
    expect(refusal({ ...ENV, OPENCONNECT_URL: 'openconnect' })?.message).toBe(
      'the OpenConnect URL "openconnect" is not a valid URL',
    );
  });

  it('removes the jwt, in every form it may be quoted in, from text that will be logged or returned', () => {
    const host = createHost(ENV, { timeoutMs: 5000 });
    expect(host.clean(`GET /api/sendmessage/CRM?jwt=${JWT} failed; body {"jwt":"${JWT}"}`)).toBe(
      'GET /api/sendmessage/CRM?jwt=[redacted] failed; body {"jwt":"[redacted]"}',
    );
  });
});

describe('Lambda log line', () => {
  let spies: Record<'log' | 'warn' | 'error', MockInstance>;
  beforeEach(() => {
    spies = {
      log: vi.spyOn(console, 'log').mockImplementation(() => {}),
      warn: vi.spyOn(console, 'warn').mockImplementation(() => {}),
      error: vi.spyOn(console, 'error').mockImplementation(() => {}),
    };
  });
  afterEach(() => vi.restoreAllMocks());

  /** Which console method got which line. */
  const written = () =>
    Object.entries(spies).flatMap(([method, spy]) => spy.mock.calls.map(([line]) => [method, line]));

  it('writes one JSON line naming the level and the connector before the entry', () => {
    log('info', { source: 'eventbridge', status: 'sent', sent: 1 });
    expect(written()).toEqual([
      [
        'log',
        '{"level":"info","connector":"amazon-connect","source":"eventbridge","status":"sent","sent":1}',
      ],
    ]);
  });

  it('writes errors with console.error and warnings with console.warn, so CloudWatch marks their level', () => {
    log('error', { status: 'retry' });
    log('warn', { status: 'skipped' });
    expect(written()).toEqual([
      ['warn', '{"level":"warn","connector":"amazon-connect","status":"skipped"}'],
      ['error', '{"level":"error","connector":"amazon-connect","status":"retry"}'],
    ]);
  });
});

describe('reasonOf', () => {
  const answer = { status: 200, headers: {}, body: '' };

  it('is the outcome’s reason, "a handshake" for a handshake, and empty for an outcome without a reason', () => {
    expect(reasonOf({ kind: 'invalid', reason: 'not JSON', answer } as Outcome)).toBe('not JSON');
    expect(reasonOf({ kind: 'handshake', source: 'eventbridge', answer } as Outcome)).toBe('a handshake');
    expect(
      reasonOf({ kind: 'accepted', source: 'eventbridge', messages: [], answer } as unknown as Outcome),
    ).toBe('');
  });
});
