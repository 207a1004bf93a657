// Picking the source from the URL or the body, and de-duplicating EventBridge's retries.
import { createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { userStart, withUrl } from './requests.js';
import { settings } from './settings.js';

const AGENT = '9d8e7f6a-1111-4222-8333-444455556666';

describe('source selection', () => {
  // The runner passes the URL's source segment (/webhooks/genesys/<source>); detect() only runs without one.
  it('picks the source named at the end of the URL', async () => {
    const request = withUrl(userStart(AGENT), 'https://runner.example.com/webhooks/genesys/cloud');
    const outcome = await handleRequest(createRuntime(connector, settings), request, 'cloud');
    expect(outcome.kind === 'accepted' && outcome.source).toBe('cloud');
  });

  it('lets a URL naming another source win over the body, so a misrouted request is refused', async () => {
    const request = withUrl(userStart(AGENT), 'https://runner.example.com/webhooks/genesys/pureengage');
    const outcome = await handleRequest(createRuntime(connector, settings), request, 'pureengage');
    expect('source' in outcome && outcome.source).toBe('pureengage');
    expect(outcome.answer.status).toBe(401);
  });

  it('says which sources exist when neither the URL nor the body tells', async () => {
    const request = { ...userStart(AGENT), rawBody: Buffer.from('{"hello":"world"}') };
    const outcome = await handleRequest(createRuntime(connector, settings), request);
    expect(outcome.answer.status).toBe(400);
    expect(outcome.kind === 'invalid' && outcome.reason).toContain(
      'cloud, cloud-workflow, pureconnect, pureengage',
    );
  });
});

describe('EventBridge retries', () => {
  it('gives a retried event the same de-duplication key, taken from the envelope id', async () => {
    const runtime = createRuntime(connector, settings);
    const first = await handleRequest(runtime, userStart(AGENT, '6a7b8c9d-0001'), 'cloud');
    const retry = await handleRequest(runtime, userStart(AGENT, '6a7b8c9d-0001'), 'cloud');
    const keys = [first, retry].map((o) => (o.kind === 'accepted' ? o.messages[0]?.dedupeKey : o.kind));
    expect(keys).toEqual(['genesys/cloud/6a7b8c9d-0001', 'genesys/cloud/6a7b8c9d-0001']);
  });
});
