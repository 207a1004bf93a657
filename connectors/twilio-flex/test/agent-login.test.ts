// The agent login read from a worker, in the cases a Flex deployment meets: values with spaces, blank
// attributes, a worker known only by its attributes, and contact_uri escapes that are not punctuation.
import { describe, expect, it } from 'vitest';
import { decodeContactUri } from '../src/index.js';
import { outcomeOf, signedRequest } from './fixtures.js';

type Edit = (body: Record<string, string>) => void;

async function agentOf(edit: Edit, options: Record<string, unknown> = {}) {
  const outcome = await outcomeOf(signedRequest('taskrouter/reservation-accepted.json', edit), options);
  if (outcome.kind !== 'accepted') return `${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`;
  return outcome.messages[0]!.agentid;
}
const worker =
  (attributes: Record<string, unknown>, name?: string): Edit =>
  (body) => {
    body.WorkerAttributes = JSON.stringify(attributes);
    if (name === undefined) delete body.WorkerName;
    else body.WorkerName = name;
  };

describe('the login from worker attributes', () => {
  it('trims the agentid attribute', async () => {
    expect(await agentOf(worker({ agentid: '  aveal  ' }, 'Ann Veal'))).toBe('aveal');
  });

  it('passes over an agentid attribute of spaces to agentFrom', async () => {
    expect(await agentOf(worker({ agentid: '   ' }, 'Ann Veal'))).toBe('Ann Veal');
  });

  it('trims the email attribute', async () => {
    expect(await agentOf(worker({ email: ' ann.veal@example.com ' }), { agentFrom: 'email' })).toBe(
      'ann.veal@example.com',
    );
  });

  it('takes an email attribute of spaces for none', async () => {
    expect(await agentOf(worker({ email: '   ' }), { agentFrom: 'email' })).toBe(
      'ignored: no agent: reservation.accepted has no WorkerAttributes.email (agentFrom is email)',
    );
  });

  it('takes an email attribute that is not a string for none', async () => {
    expect(await agentOf(worker({ email: 42 }), { agentFrom: 'email' })).toBe(
      'ignored: no agent: reservation.accepted has no WorkerAttributes.email (agentFrom is email)',
    );
  });

  it('reads an email attribute as it is, not as an escaped contact_uri', async () => {
    expect(await agentOf(worker({ email: 'ann_2Eveal@example.com' }), { agentFrom: 'email' })).toBe(
      'ann_2Eveal@example.com',
    );
  });

  it('names the email attribute when the worker has no attributes at all', async () => {
    const edit: Edit = (body) => {
      delete body.WorkerAttributes;
    };
    expect(await agentOf(edit, { agentFrom: 'email' })).toBe(
      'ignored: no agent: reservation.accepted has no WorkerAttributes.email (agentFrom is email)',
    );
  });

  it('trims contact_uri before decoding it', async () => {
    expect(
      await agentOf(worker({ contact_uri: ' client:bo_40example_2Ecom ' }), { agentFrom: 'contact_uri' }),
    ).toBe('bo@example.com');
  });

  it('names contact_uri when the worker has none', async () => {
    expect(await agentOf(worker({ email: 'bo@example.com' }), { agentFrom: 'contact_uri' })).toBe(
      'ignored: no agent: reservation.accepted has no WorkerAttributes.contact_uri (agentFrom is contact_uri)',
    );
  });

  it('names WorkerName when the worker has none', async () => {
    expect(await agentOf(worker({ email: 'bo@example.com' }))).toBe(
      'ignored: no agent: reservation.accepted has no WorkerName (agentFrom is WorkerName)',
    );
  });

  it('finds a worker known only by its attributes', async () => {
    const edit: Edit = (body) => {
      worker({ agentid: 'aveal' })(body);
      delete body.WorkerSid;
    };
    expect(await agentOf(edit)).toBe('aveal');
  });

  it('finds a worker known only by its name', async () => {
    const edit: Edit = (body) => {
      delete body.WorkerSid;
      delete body.WorkerAttributes;
      body.WorkerName = 'Ann Veal';
    };
    expect(await agentOf(edit)).toBe('Ann Veal');
  });

  it('looks a worker without WorkerSid up in the directory by its login only', async () => {
    const edit: Edit = (body) => {
      delete body.WorkerSid;
      body.WorkerName = 'Ann Veal';
    };
    const outcome = await outcomeOf(
      signedRequest('taskrouter/reservation-accepted.json', edit),
      {},
      { directory: { 'Ann Veal': 'aveal' } },
    );
    expect(outcome.kind === 'accepted' && outcome.messages[0]!.agentid).toBe('aveal');
  });
});

describe('contact_uri escapes', () => {
  it('strips the client: prefix in any case', () => {
    expect(decodeContactUri('Client:bo_40example_2Ecom')).toBe('bo@example.com');
  });

  it('strips client: only at the start', () => {
    expect(decodeContactUri('bo.client:x')).toBe('bo.client:x');
  });

  it('decodes upper-case hex only', () => {
    expect(decodeContactUri('client:ann_2eveal_40example_2Ecom')).toBe('ann_2eveal@example.com');
  });

  it('leaves escapes of control characters as they are, and decodes a space and a tilde', () => {
    expect(decodeContactUri('client:a_0Ab_20c_7Ed_7F')).toBe('a_0Ab c~d_7F');
  });
});
