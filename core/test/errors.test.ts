// The error classes are what a user reads when something fails: each says what went wrong, what to do next,
// and whether the runner retries it. Their JSON is what the admin API and the CLI show.
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ConfigError,
  InputError,
  NetworkError,
  PayloadTooLargeError,
  RateLimitedError,
  RejectedError,
  redact,
  redactor,
  ServerError,
  TimeoutError,
  UrlTooLongError,
  ValidationError,
} from '../src/index.js';

describe('error classes', () => {
  it.each([
    [
      new ConfigError('the OpenConnect URL is missing', 'set OPENCONNECT_URL'),
      {
        name: 'ConfigError',
        code: 'config',
        message: 'the OpenConnect URL is missing',
        hint: 'set OPENCONNECT_URL',
        retryable: false,
      },
    ],
    [
      new ValidationError([
        { path: 'agentid', message: 'required' },
        { path: 'event', message: 'too long' },
      ]),
      {
        name: 'ValidationError',
        code: 'validation',
        message: 'the OpenConnect message is invalid: agentid: required; event: too long',
        hint: 'fix the fields named above; agentid, jwt, crmid and event are required',
        retryable: false,
        problems: [
          { path: 'agentid', message: 'required' },
          { path: 'event', message: 'too long' },
        ],
      },
    ],
    [
      new PayloadTooLargeError(
        140_000,
        131_072,
        [
          { name: 'transcript', bytes: 120_000 },
          { name: 'notes', bytes: 9_000 },
        ],
        413,
      ),
      {
        name: 'PayloadTooLargeError',
        code: 'payload_too_large',
        message:
          "the message is 140000 bytes, over OpenConnect's limit of 131072 bytes; largest props: transcript (120000 bytes), notes (9000 bytes)",
        hint: 'drop or shorten the largest props (a prop allow-list in the connector config does this)',
        retryable: false,
        status: 413,
        bytes: 140_000,
        largestProps: [
          { name: 'transcript', bytes: 120_000 },
          { name: 'notes', bytes: 9_000 },
        ],
      },
    ],
    [
      new PayloadTooLargeError(140_000, 131_072, []),
      {
        name: 'PayloadTooLargeError',
        code: 'payload_too_large',
        message: "the message is 140000 bytes, over OpenConnect's limit of 131072 bytes",
        hint: 'drop or shorten the largest props (a prop allow-list in the connector config does this)',
        retryable: false,
        bytes: 140_000,
        largestProps: [],
      },
    ],
    [
      new UrlTooLongError(9_000, 8_192),
      {
        name: 'UrlTooLongError',
        code: 'url_too_long',
        message: 'the GET URL would be 9000 characters, over the configured maximum of 8192',
        hint: 'use POST (the default and the method OpenConnect recommends), or send fewer props',
        retryable: false,
      },
    ],
    [
      new AuthError(401),
      {
        name: 'AuthError',
        code: 'auth_rejected',
        message: 'OpenConnect rejected the API key (HTTP 401)',
        hint: 'the API key (jwt) is invalid or was re-generated in Experience Cloud (System Settings > API Key): a re-generated key voids the old one; paste the current key of type OpenConnect',
        retryable: false,
        status: 401,
      },
    ],
    [
      new RateLimitedError(429),
      {
        name: 'RateLimitedError',
        code: 'rate_limited',
        message: 'OpenConnect is rate limiting (HTTP 429)',
        hint: 'send again later; the runner retries by itself',
        retryable: true,
        status: 429,
      },
    ],
    [
      new ServerError(502, 'bad gateway'),
      {
        name: 'ServerError',
        code: 'server_error',
        message: 'OpenConnect answered HTTP 502: bad gateway',
        hint: 'a server-side failure; it is retried',
        retryable: true,
        status: 502,
      },
    ],
    [
      new ServerError(500, ''),
      {
        name: 'ServerError',
        code: 'server_error',
        message: 'OpenConnect answered HTTP 500',
        hint: 'a server-side failure; it is retried',
        retryable: true,
        status: 500,
      },
    ],
    [
      new RejectedError(400, 'agentid is required'),
      {
        name: 'RejectedError',
        code: 'rejected',
        message: 'OpenConnect refused the message (HTTP 400): agentid is required',
        hint: 'check the crmid (the CRM domain or Zendesk hostname), the agentid and the event name',
        retryable: false,
        status: 400,
      },
    ],
    [
      new RejectedError(404, ''),
      {
        name: 'RejectedError',
        code: 'rejected',
        message: 'OpenConnect refused the message (HTTP 404)',
        hint: 'check the OpenConnect URL: it should end in /api/sendmessage/CRM',
        retryable: false,
        status: 404,
      },
    ],
    [
      new TimeoutError(5_000),
      {
        name: 'TimeoutError',
        code: 'timeout',
        message: 'OpenConnect did not answer within 5000 ms',
        hint: 'it is retried; raise timeoutMs if this persists',
        retryable: true,
      },
    ],
    [
      new NetworkError('ECONNREFUSED 127.0.0.1:443'),
      {
        name: 'NetworkError',
        code: 'network',
        message: 'could not reach OpenConnect: ECONNREFUSED 127.0.0.1:443',
        hint: 'check the URL, DNS and outbound HTTPS (port 443) from this host',
        retryable: true,
      },
    ],
    [
      new InputError('the body is not JSON', 'body'),
      {
        name: 'InputError',
        code: 'bad_input',
        message: 'the body is not JSON',
        hint: 'the request does not have the shape this connector expects; see the connector README',
        retryable: false,
      },
    ],
  ])('%s says what went wrong, what to do and whether it is retried', (error, json) => {
    expect(error.toJSON()).toEqual(json);
    expect(error).toBeInstanceOf(Error);
  });

  it('keeps the status only when OpenConnect answered, the Retry-After wait only when given, the input path only when known', () => {
    expect(new TimeoutError(1).status).toBeUndefined();
    expect(new RateLimitedError(429, 2_000).retryAfterMs).toBe(2_000);
    expect(new RateLimitedError(429).retryAfterMs).toBeUndefined();
    expect(new InputError('bad', 'call.id').path).toBe('call.id');
    expect(new InputError('bad').path).toBeUndefined();
  });
});

describe('redact', () => {
  it('replaces each form of a secret: raw, URL-encoded, as a query value and JSON-escaped', () => {
    const secret = 'k3y/with spaces+\'quote"';
    const text = [
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
    ].join(' | ');
    expect(redact(text, [secret])).toBe('[redacted] | [redacted] | [redacted] | [redacted]');
  });

  it('takes a secret that contains a shorter one as a whole', () => {
    expect(redact('jwt=abcd-1234-efgh', ['1234', 'abcd-1234-efgh'])).toBe('jwt=[redacted]');
  });

  it('leaves secrets under four characters and empty ones alone (they would blank common words)', () => {
    expect(redact('on and off', ['on', 'and', undefined, ''])).toBe('on and off');
    expect(redact('code 1234 here', ['1234'])).toBe('code [redacted] here');
  });

  it('gives the text back unchanged when there is nothing to hide', () => {
    const same = redactor([]);
    expect(same('a jwt-looking text')).toBe('a jwt-looking text');
  });
});
