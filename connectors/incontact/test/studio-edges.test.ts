// The Studio push at its edges, one behaviour per test: what the script author is told when a field is
// missing, which pushes share an event id (and so pop once), the agent spellings, the channel and the queue.
import { describe, expect, it } from 'vitest';
import { runtime, studioBody } from './helpers.js';

type Outcome = Awaited<ReturnType<ReturnType<typeof runtime>['post']>>;
const post = (body: Record<string, unknown>, options: Record<string, unknown> = {}, settings = {}) =>
  runtime(options, settings).post(body, undefined, 'studio');
const first = (outcome: Outcome) => (outcome.kind === 'accepted' ? outcome.messages[0]! : undefined);
const ignored = (outcome: Outcome) => (outcome.kind === 'ignored' ? outcome.reason : outcome.kind);
const { AgentUserName: _, ...noUserName } = studioBody;

describe('incontact studio: refused with 400', () => {
  it('refuses a body without event, saying how to set it in the SNIPPET', async () => {
    const { event: _event, ...rest } = studioBody;
    const outcome = await post(rest);
    expect([outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([
      400,
      'the Studio body has no "event": set it in the SNIPPET, e.g. body.event = "answered"',
    ]);
  });
});

describe('incontact studio: event ids', () => {
  it('pops a lifecycle the script posts twice for one contact and agent once (same dedupe key)', async () => {
    const rt = runtime();
    const keys = [];
    for (const event of ['answered', 'ANSWERED']) {
      const outcome = await rt.post({ ...studioBody, event }, undefined, 'studio');
      keys.push(first(outcome)?.dedupeKey);
    }
    expect(keys).toEqual([
      'incontact/studio/389712045611/answered/mreyes@acme.example',
      'incontact/studio/389712045611/answered/mreyes@acme.example',
    ]);
  });
  it('keys a push that names the agent only by AgentID with that id', async () => {
    const outcome = await post(
      { ...noUserName, AgentID: '23045871' },
      {},
      { directory: { '23045871': 'mreyes@acme.example' } },
    );
    expect(first(outcome)?.dedupeKey).toBe('incontact/studio/389712045611/answered/23045871');
  });
  it('keys a push that names no agent by contact and lifecycle only', async () => {
    const outcome = await post({ ...noUserName, event: 'offered' });
    expect([outcome.kind, 'eventId' in outcome && outcome.eventId]).toEqual([
      'ignored',
      '389712045611/offered',
    ]);
  });
  it('gives a custom event word no event id: each push of it is its own message', async () => {
    const outcome = await post({ ...studioBody, event: 'PaymentTaken' });
    expect([first(outcome)?.lifecycle, first(outcome)?.event, first(outcome)?.dedupeKey]).toEqual([
      'custom',
      'PaymentTaken',
      undefined,
    ]);
  });
});

describe('incontact studio: the agent', () => {
  it.each(['AgentUsername', 'agentUserName', 'UserName'])(
    'takes the agent user name from %s',
    async (key) => {
      const outcome = await post({ ...noUserName, [key]: 'tkim@acme.example' });
      expect([first(outcome)?.agentid, key in (first(outcome)?.props ?? {})]).toEqual([
        'tkim@acme.example',
        false,
      ]);
    },
  );
  it('takes the agent from AgentID through the directory when the user name is an unfilled {AgentUserName}', async () => {
    const outcome = await post(
      { ...studioBody, AgentUserName: '{AgentUserName}', AgentID: '23045872' },
      {},
      { directory: { '23045872': 'tkim@acme.example' } },
    );
    expect([first(outcome)?.agentid, first(outcome)?.props.agentPlatformId]).toEqual([
      'tkim@acme.example',
      '23045872',
    ]);
  });
  it('ignores a push whose AgentID is not in the directory, naming the event, contact and id', async () => {
    const outcome = await post({ ...noUserName, AgentID: '23099999' });
    expect(ignored(outcome)).toBe(
      'answered for contact 389712045611: AgentID 23099999 is not in the directory: add it (AgentID → user name) or send the agent user name',
    );
  });
  it('ignores a push with AgentID 0 (not routed yet)', async () => {
    const outcome = await post({ ...noUserName, AgentID: '0' });
    expect(ignored(outcome)).toBe(
      'answered for contact 389712045611: no agent yet (the contact has not been routed to an agent)',
    );
  });
});

describe('incontact studio: channel, queue and platform', () => {
  it('reads the channel the script names, from channel or MediaType, and keeps neither as a field', async () => {
    const named = first(await post({ ...studioBody, channel: 'Chat' }));
    const media = first(await post({ ...studioBody, MediaType: 'Email' }));
    expect([named?.props.channel, media?.props.channel, 'MediaType' in (media?.props ?? {})]).toEqual([
      'chat',
      'email',
      false,
    ]);
  });
  it('sends no channel for a phone script that names none (or an empty one)', async () => {
    const outcome = first(await post({ ...studioBody, channel: ' ' }));
    expect(outcome && 'channel' in outcome.props).toBe(false);
  });
  it('reads Skill 0 (no skill) as no queue, and SkillId as the queue id', async () => {
    const none = first(await post({ ...studioBody, Skill: '0' }));
    const byId = first(await post({ ...studioBody, SkillId: '4120345' }));
    expect([none && 'queueId' in none.props, none && 'queue' in none.props, byId?.props.queueId]).toEqual([
      false,
      false,
      '4120345',
    ]);
  });
  it('adds the configured platform name', async () => {
    const outcome = first(await post(studioBody, { platform: 'inContact Central' }));
    expect(outcome?.props.platform).toBe('inContact Central');
  });
  it('reads a ContactID that is its own MasterID, or MasterID 0, as the primary leg without parent', async () => {
    const own = first(await post({ ...studioBody, MasterID: '389712045611' }));
    const zero = first(await post({ ...studioBody, MasterID: '0' }));
    expect([
      own?.props.leg,
      own?.props.parentInteractionId,
      zero?.props.leg,
      zero?.props.parentInteractionId,
    ]).toEqual(['primary', undefined, 'primary', undefined]);
  });
});

describe('incontact studio: which bodies are a Studio push', () => {
  const unnamed =
    'connector incontact could not tell which source sent this request; name it in the URL (/webhooks/incontact/<source>, one of studio, agent-events)';
  it('is not picked for a body without ContactID, so the answer says to name the source', async () => {
    const outcome = await runtime().post({ event: 'answered', AgentUserName: 'mreyes@acme.example' });
    expect([outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([400, unnamed]);
  });
  it('leaves a relay batch that also names a ContactID to agent-events', async () => {
    const outcome = await runtime().post({
      agentUserName: 'mreyes@acme.example',
      ContactID: '389712045611',
      events: [{ Type: 'CallContactEvent', ContactID: '389712045611', Status: 'Active' }],
    });
    expect('source' in outcome && outcome.source).toBe('agent-events');
  });
  it('refuses a body that is not an object, saying it is not the Studio body', async () => {
    const outcome = await runtime().post([studioBody], undefined, 'studio');
    expect([outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([
      400,
      'the Studio body is not as expected: Invalid input: expected record, received array',
    ]);
  });
  it('gives the word custom itself no event id, like any custom event', async () => {
    const outcome = await runtime().post({ ...studioBody, event: 'custom' }, undefined, 'studio');
    expect([outcome.kind, 'eventId' in outcome, first(outcome)?.lifecycle]).toEqual([
      'accepted',
      false,
      'custom',
    ]);
  });
});
