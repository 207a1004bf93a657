// The connector's options as an admin writes them: what each defaults to, and what is refused with which
// message (the message is what tells the admin what to fix).
import { describe, expect, it } from 'vitest';
import { config } from '../src/index.js';
import { API_KEY } from './values.js';

/** The first problem zod reports for these options, as "path: message", or undefined when they are valid. */
function refusal(options: Record<string, unknown>): string | undefined {
  const result = config.safeParse({ apiKey: API_KEY, ...options });
  if (result.success) return undefined;
  const [issue] = result.error.issues;
  return `${issue!.path.join('.')}: ${issue!.message}`;
}

describe('the configuration', () => {
  it('defaults every option but the API key, region and endpoint', () => {
    expect(config.parse({})).toEqual({
      apiKeyHeader: 'x-api-key',
      agentParameter: 'agentLogin',
      lifecycleParameter: 'lifecycle',
      consultLegs: true,
      openConnectParameters: true,
      customerEndpoint: false,
      contactAttributes: false,
      userCacheTtlMs: 3_600_000,
      notFoundTtlMs: 60_000,
      lookupTimeoutMs: 2000,
      lookupMaxAttempts: 2,
    });
  });

  it('takes the options an admin may set, as given', () => {
    const options = {
      apiKey: API_KEY,
      apiKeyHeader: 'X-Connect-Secret-2',
      agentParameter: 'a',
      lifecycleParameter: 'l',
      consultLegs: false,
      openConnectParameters: false,
      customerEndpoint: true,
      contactAttributes: true,
      region: 'eu-central-1',
      endpoint: 'https://vpce-0a1b.connect.eu-central-1.vpce.amazonaws.com',
      userCacheTtlMs: 1,
      notFoundTtlMs: 0,
      lookupTimeoutMs: 1,
      lookupMaxAttempts: 5,
    };
    expect(config.parse(options)).toEqual(options);
    expect(refusal({ lookupMaxAttempts: 1 })).toBeUndefined();
    expect(refusal({ apiKey: 'k'.repeat(16) })).toBeUndefined();
  });

  it('refuses each value that cannot work, naming the option', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ apiKey: 'k'.repeat(15) }, /^apiKey: apiKey must be at least 16 characters$/],
      [{ apiKeyHeader: 'x api key' }, /^apiKeyHeader: apiKeyHeader must be an HTTP header name$/],
      [{ apiKeyHeader: 'x-api-key:' }, /^apiKeyHeader: apiKeyHeader must be an HTTP header name$/],
      [{ apiKeyHeader: ':x-api-key' }, /^apiKeyHeader: apiKeyHeader must be an HTTP header name$/],
      [{ apiKeyHeader: '' }, /^apiKeyHeader: apiKeyHeader must be an HTTP header name$/],
      [{ agentParameter: '' }, /^agentParameter: /],
      [{ lifecycleParameter: '' }, /^lifecycleParameter: /],
      [{ region: '' }, /^region: /],
      [{ endpoint: 'connect.eu-central-1' }, /^endpoint: /],
      [{ consultLegs: 'no' }, /^consultLegs: /],
      [{ openConnectParameters: 'no' }, /^openConnectParameters: /],
      [{ customerEndpoint: 'yes' }, /^customerEndpoint: /],
      [{ contactAttributes: 'yes' }, /^contactAttributes: /],
      [{ userCacheTtlMs: 0 }, /^userCacheTtlMs: /],
      [{ userCacheTtlMs: 1.5 }, /^userCacheTtlMs: /],
      [{ notFoundTtlMs: -1 }, /^notFoundTtlMs: /],
      [{ notFoundTtlMs: 0.5 }, /^notFoundTtlMs: /],
      [{ lookupTimeoutMs: 0 }, /^lookupTimeoutMs: /],
      [{ lookupTimeoutMs: 2.5 }, /^lookupTimeoutMs: /],
      [{ lookupMaxAttempts: 0 }, /^lookupMaxAttempts: /],
      [{ lookupMaxAttempts: 6 }, /^lookupMaxAttempts: /],
      [{ lookupMaxAttempts: 1.5 }, /^lookupMaxAttempts: /],
    ];
    for (const [options, message] of cases)
      expect(refusal(options), JSON.stringify(options)).toMatch(message);
  });
});
