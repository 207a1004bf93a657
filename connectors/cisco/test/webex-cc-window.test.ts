// The Webex CC replay window beyond the signature: odd timestamp values in the header and the body, and the
// window named in seconds in the refusal.
import { createRuntime, handleRequest, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { NOW, services, settings, sign } from './helpers.js';

async function verdict(body: Record<string, unknown>, headers: Record<string, string> = {}, options = {}) {
  const runtime = createRuntime(
    connector,
    { ...settings, options: { ...settings.options, ...options } },
    { services },
  );
  const request = sign(
    toInboundRequest({
      url: 'http://localhost/webhooks/cisco/webex-cc',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ id: 'evt-window-1', specversion: '1.0', type: 'task:new', data: {}, ...body }),
    }),
  );
  const outcome = await handleRequest(runtime, request, 'webex-cc');
  return outcome.kind === 'rejected'
    ? [outcome.answer.status, JSON.parse(outcome.answer.body ?? '{}').error]
    : outcome.kind;
}

describe('Webex CC replay window', () => {
  it('refuses an empty X-WebexCC-Timestamp header as not a time', async () => {
    expect(await verdict({}, { 'x-webexcc-timestamp': '' })).toEqual([
      401,
      'unauthorized: X-WebexCC-Timestamp is not a time in epoch milliseconds',
    ]);
  });

  it('refuses a signed comciscotimestamp that is neither a number nor a string', async () => {
    expect(await verdict({ comciscotimestamp: true })).toEqual([
      401,
      'unauthorized: comciscotimestamp is not a time',
    ]);
  });

  it('holds a body whose comciscotimestamp is null to the header alone', async () => {
    expect([
      await verdict({ comciscotimestamp: null }, { 'x-webexcc-timestamp': String(NOW - 4_000) }),
      await verdict({ comciscotimestamp: null }),
    ]).toEqual(['ignored', 'ignored']);
  });

  it('names the window in seconds when it refuses a stale body or header timestamp', async () => {
    const options = { webexCcToleranceMs: 10_000 };
    expect([
      await verdict({ comciscotimestamp: NOW - 60_000 }, {}, options),
      await verdict({}, { 'x-webexcc-timestamp': String(NOW - 60_000) }, options),
    ]).toEqual([
      [
        401,
        "unauthorized: comciscotimestamp is more than 10 s from now: a replayed request, or this host's clock is off",
      ],
      [
        401,
        "unauthorized: X-WebexCC-Timestamp is more than 10 s from now: a replayed request, or this host's clock is off",
      ],
    ]);
  });

  it('accepts a header and body that give the same time in different forms', async () => {
    expect(await verdict({ comciscotimestamp: String(NOW) }, { 'x-webexcc-timestamp': ` ${NOW} ` })).toBe(
      'ignored',
    );
  });
});
