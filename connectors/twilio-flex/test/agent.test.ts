// Who gets the pop: WorkerName by default, or the Flex worker attributes the deployment names.
import { describe, expect, it } from 'vitest';
import { decodeContactUri } from '../src/index.js';
import { outcomeOf, signedRequest } from './fixtures.js';

const WORKER = {
  WorkerName: 'Ann Veal',
  WorkerAttributes: JSON.stringify({
    email: 'ann.veal@example.com',
    full_name: 'Ann Veal',
    contact_uri: 'client:ann_2Eveal_2Dops_40example_2Ecom',
  }),
};
const accepted = (edit: Record<string, string> = WORKER) =>
  signedRequest('taskrouter/reservation-accepted.json', (body) => Object.assign(body, edit));

async function agentOf(
  options: Record<string, unknown>,
  req = accepted(),
  directory?: Record<string, string>,
) {
  const outcome = await outcomeOf(req, options, directory ? { directory } : {});
  if (outcome.kind !== 'accepted') return `${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`;
  return outcome.messages.map((m) => m.agentid).join(',');
}

describe('decodeContactUri', () => {
  it('strips client: and decodes the documented escapes _2E, _40 and _2D', () => {
    expect(decodeContactUri('client:ann_2Eveal_2Dops_40example_2Ecom')).toBe('ann.veal-ops@example.com');
  });

  it('decodes other escaped punctuation the same way (_5F is an underscore, _2B a plus)', () => {
    expect(decodeContactUri('client:j_5Fdoe_2Bflex_40example_2Ecom')).toBe('j_doe+flex@example.com');
  });

  it('leaves underscores that are not an escape of punctuation as they are', () => {
    expect(decodeContactUri('client:team_lead_41_zz')).toBe('team_lead_41_zz');
  });

  it('decodes in one pass, so an escaped underscore never starts a second escape', () => {
    expect(decodeContactUri('client:a_5F40b')).toBe('a_40b');
  });

  it('accepts an identity without the client: prefix', () => {
    expect(decodeContactUri('bo_40example_2Ecom')).toBe('bo@example.com');
  });
});

describe('agentFrom', () => {
  it('uses WorkerName by default', async () => {
    expect(await agentOf({})).toBe('Ann Veal');
  });

  it('uses WorkerAttributes.email when agentFrom is email', async () => {
    expect(await agentOf({ agentFrom: 'email' })).toBe('ann.veal@example.com');
  });

  it('uses the decoded WorkerAttributes.contact_uri when agentFrom is contact_uri', async () => {
    expect(await agentOf({ agentFrom: 'contact_uri' })).toBe('ann.veal-ops@example.com');
  });

  it('ignores the event, naming the missing attribute, when the configured one is absent', async () => {
    const req = accepted({
      WorkerName: 'Ann Veal',
      WorkerAttributes: JSON.stringify({ full_name: 'Ann Veal' }),
    });
    expect(await agentOf({ agentFrom: 'email' }, req)).toBe(
      'ignored: no agent: reservation.accepted has no WorkerAttributes.email (agentFrom is email)',
    );
  });

  it('lets a directory entry for the WorkerSid win over the configured field', async () => {
    const directory = { WK3c4d5e6f708192a3b4c5d6e7f8091a2b: 'aveal' };
    expect(await agentOf({ agentFrom: 'email' }, accepted(), directory)).toBe('aveal');
  });

  it('maps the resolved login through the directory when it lists that login', async () => {
    expect(await agentOf({}, accepted(), { 'Ann Veal': 'aveal' })).toBe('aveal');
  });

  it('reads the same attributes from Event Streams payloads', async () => {
    const req = signedRequest('event-streams/reservation-accepted.json', (batch) => {
      batch[0].data.payload.worker_attributes = WORKER.WorkerAttributes;
    });
    expect(await agentOf({ agentFrom: 'contact_uri' }, req)).toBe('ann.veal-ops@example.com');
  });

  it('refuses an unknown agentFrom when the runtime is built', async () => {
    await expect(agentOf({ agentFrom: 'full_name' })).rejects.toThrow(/agentFrom/);
  });
});
