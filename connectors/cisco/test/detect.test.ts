// Picking the source: the one the URL names (/webhooks/cisco/<source>), else by the body when the URL names
// none (openconnect map, a single catch-all URL): XML versus CloudEvents JSON.
import { selectSource, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';

const pick = (url: string, body: string, headers: Record<string, string> = {}) => {
  const picked = selectSource(connector, toInboundRequest({ url, headers, body }), sourceSegment(url));
  return 'id' in picked ? picked.id : picked.error;
};

/** The source the runner reads from /webhooks/cisco/<source>; detect() only runs when there is none. */
function sourceSegment(url: string): string | undefined {
  const [, source] = new URL(url).pathname.split('/webhooks/cisco')[1]?.split('/') ?? [];
  return source || undefined;
}

const xml = '<Update><event>PUT</event><source>/finesse/api/User/1001001</source></Update>';
const cloudEvent = JSON.stringify({ id: '1', specversion: '1.0', type: 'task:new', data: {} });

describe('source detection', () => {
  it('picks finesse for an XML body', () => {
    expect(pick('http://localhost/webhooks/cisco', xml, { 'content-type': 'application/xml' })).toBe(
      'finesse',
    );
  });

  it('picks finesse for an XML body sent as text/plain', () => {
    expect(pick('http://localhost/webhooks/cisco', `\n  ${xml}`, { 'content-type': 'text/plain' })).toBe(
      'finesse',
    );
  });

  it('picks webex-cc for a CloudEvents JSON body', () => {
    expect(pick('http://localhost/webhooks/cisco', cloudEvent, { 'content-type': 'application/json' })).toBe(
      'webex-cc',
    );
  });

  it('picks webex-cc for any body that carries X-WebexCC-Signature', () => {
    expect(pick('http://localhost/webhooks/cisco', '{}', { 'x-webexcc-signature': 'ab' })).toBe('webex-cc');
  });

  it('lets the URL suffix /webex-cc win over the body', () => {
    expect(pick('http://localhost/webhooks/cisco/webex-cc', xml)).toBe('webex-cc');
  });

  it('lets the URL suffix /finesse win over the body, trailing slash allowed', () => {
    expect(pick('http://localhost/webhooks/cisco/finesse/', cloudEvent)).toBe('finesse');
  });

  it('claims nothing it cannot recognise, and says how to name the source', () => {
    expect(pick('http://localhost/webhooks/cisco', '{"hello":"world"}')).toContain(
      '/webhooks/cisco/<source>',
    );
  });
});
