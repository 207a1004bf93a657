// The Process Automation source (an Architect workflow's Web Services Data Action posting our JSON) case by
// case where no fixture plays it: the event word (a topic suffix, a lifecycle word, a custom name), the agent
// (agent, agentid, userId), the leg from the agents seen, the props and the refusals.
import { describe, expect, it } from 'vitest';
import { CONV, JANE, LI, NOBODY, only, session } from './cloud-helpers.js';

const wf = (event: string, extra: Record<string, unknown> = {}) => ({
  event,
  conversationId: CONV,
  ...extra,
});

describe('the workflow event word', () => {
  it('user.start, user.end and acw pop offered, ended and wrapup, nativeEvent the word', async () => {
    const { send } = session();
    const start = only(await send(wf('user.start', { userId: JANE }), 'cloud-workflow'));
    expect(start).toEqual({
      agentid: 'jane.doe@example.com',
      event: 'offered',
      lifecycle: 'offered',
      props: {
        lifecycle: 'offered',
        nativeEvent: 'user.start',
        platform: 'Genesys Cloud',
        interactionId: CONV,
        agentPlatformId: JANE,
        leg: 'primary',
      },
    });
    const end = only(await send(wf('user.end', { userId: JANE }), 'cloud-workflow'));
    expect(end).toMatchObject({ event: 'ended', lifecycle: 'ended' });
    expect('leg' in end.props).toBe(false);
    expect(only(await send(wf('acw', { userId: JANE }), 'cloud-workflow'))).toMatchObject({
      event: 'wrapup',
      lifecycle: 'wrapup',
    });
  });

  it('a lifecycle word is taken as it is; any other word is a custom event of that name', async () => {
    const { send } = session();
    const answered = only(await send(wf('answered', { userId: JANE }), 'cloud-workflow'));
    expect(answered).toMatchObject({ event: 'answered', lifecycle: 'answered', props: { leg: 'primary' } });
    const custom = only(await send(wf('survey.sent', { userId: JANE }), 'cloud-workflow'));
    expect(custom).toMatchObject({
      event: 'survey.sent',
      lifecycle: 'custom',
      props: { nativeEvent: 'survey.sent' },
    });
    expect('leg' in custom.props).toBe(false);
    expect(only(await send(wf('toString', { userId: JANE }), 'cloud-workflow'))).toMatchObject({
      event: 'toString',
      lifecycle: 'custom',
    });
  });

  it("the customer's and the acd's topics name no agent: ignored, saying which to trigger on", async () => {
    const { send } = session();
    for (const word of ['customer.start', 'customer.end', 'acd.start', 'acd.end'])
      expect(await send(wf(word, { userId: JANE }), 'cloud-workflow')).toEqual({
        ignored: `${word} names no agent; trigger the workflow on user.start, user.end or acw`,
      });
  });

  it('a blank event or no conversationId is a 400 naming the body and the field', async () => {
    const { send } = session();
    expect(await send(wf('  ', { userId: JANE }), 'cloud-workflow')).toEqual({
      status: 400,
      reason: 'the Process Automation data action body is not as expected at event: event is required',
    });
    expect(await send({ event: 'user.start', conversationId: '', userId: JANE }, 'cloud-workflow')).toEqual({
      status: 400,
      reason:
        'the Process Automation data action body is not as expected at conversationId: conversationId is required',
    });
  });

  it('the event is trimmed', async () => {
    const { send } = session();
    expect(only(await send(wf(' user.start ', { userId: JANE }), 'cloud-workflow')).lifecycle).toBe(
      'offered',
    );
  });
});

describe('the agent of a workflow event', () => {
  it('agent first (trimmed), then agentid, then the userId through the directory', async () => {
    const { send } = session();
    expect(
      only(await send(wf('answered', { agent: ' mary ', agentid: 'other', userId: JANE }), 'cloud-workflow'))
        .agentid,
    ).toBe('mary');
    expect(
      only(await send(wf('answered', { agent: '  ', agentid: ' bob ', userId: JANE }), 'cloud-workflow'))
        .agentid,
    ).toBe('bob');
    expect(
      only(await send(wf('answered', { agent: null, agentid: '', userId: JANE }), 'cloud-workflow')).agentid,
    ).toBe('jane.doe@example.com');
  });

  it('no agent at all, or an unknown userId, is ignored naming the workflow event', async () => {
    const { send } = session();
    expect(await send(wf('user.start'), 'cloud-workflow')).toEqual({
      ignored: 'workflow event user.start: the event names no agent (no userId)',
    });
    expect(await send(wf('user.end', { userId: NOBODY }), 'cloud-workflow')).toEqual({
      ignored: `workflow event user.end: userId ${NOBODY} is not in the directory and no Users API client is configured (set cloudClientId and cloudClientSecret, or add the user to the directory)`,
    });
  });
});

describe('legs from the agents seen', () => {
  it('a second agent while the first is on is a consult; once the first ended, a transfer', async () => {
    const { send } = session();
    await send(wf('answered', { userId: JANE }), 'cloud-workflow');
    expect(only(await send(wf('offered', { userId: LI }), 'cloud-workflow')).props).toMatchObject({
      leg: 'consult',
      parentInteractionId: CONV,
    });
    const other = session();
    await other.send(wf('user.start', { userId: JANE }), 'cloud-workflow');
    await other.send(wf('ended', { userId: JANE }), 'cloud-workflow');
    expect(only(await other.send(wf('user.start', { userId: LI }), 'cloud-workflow')).props.leg).toBe(
      'transfer',
    );
  });

  it('wrapup and completed mark the agent gone too; held and custom events do not', async () => {
    for (const word of ['acw', 'wrapup', 'completed']) {
      const { send } = session();
      await send(wf('user.start', { userId: JANE }), 'cloud-workflow');
      await send(wf(word, { userId: JANE }), 'cloud-workflow');
      expect(only(await send(wf('user.start', { userId: LI }), 'cloud-workflow')).props.leg).toBe('transfer');
    }
    for (const word of ['held', 'resumed', 'survey.sent']) {
      const { send } = session();
      await send(wf('user.start', { userId: JANE }), 'cloud-workflow');
      await send(wf(word, { userId: JANE }), 'cloud-workflow');
      expect(only(await send(wf('user.start', { userId: LI }), 'cloud-workflow')).props.leg).toBe('consult');
    }
  });

  it('without a userId the agent is tracked by its login', async () => {
    const { send } = session();
    await send(wf('user.start', { agent: 'mary', userId: '  ' }), 'cloud-workflow');
    expect(only(await send(wf('user.start', { agent: 'mary' }), 'cloud-workflow')).props.leg).toBe('primary');
    expect(only(await send(wf('user.start', { agent: 'bob' }), 'cloud-workflow')).props.leg).toBe('consult');
  });

  it('the leg the workflow names wins, and is still recorded as seen', async () => {
    const { send } = session();
    expect(
      only(await send(wf('user.start', { userId: JANE, leg: 'conference' }), 'cloud-workflow')).props,
    ).toMatchObject({
      leg: 'conference',
      parentInteractionId: CONV,
    });
    expect(only(await send(wf('user.start', { userId: LI }), 'cloud-workflow')).props.leg).toBe('consult');
  });
});

describe('workflow props', () => {
  it('the documented fields, outbound numbers swapped, queueName as queue, attributes of every flat type', async () => {
    const { send } = session();
    const sent = only(
      await send(
        wf('user.start', {
          userId: JANE,
          eventTime: 1795601702123,
          mediaType: 'MESSAGE',
          messageType: 'whatsapp',
          direction: 'outbound',
          ani: 'tel:+18005550199',
          dnis: 'tel:+13175550142',
          queueId: 'q-1',
          queueName: 'Billing',
          participantId: 'p-1',
          wrapupCode: 'W',
          wrapupNotes: 'n',
          disconnectType: 'peer',
          attributes: { Account: 'A-1', Priority: 5, Vip: true, ani: 'shadow' },
        }),
        'cloud-workflow',
      ),
    );
    expect(sent.props).toEqual({
      lifecycle: 'offered',
      nativeEvent: 'user.start',
      platform: 'Genesys Cloud',
      interactionId: CONV,
      ani: '+13175550142',
      dnis: '+18005550199',
      aniRaw: 'tel:+13175550142',
      dnisRaw: 'tel:+18005550199',
      direction: 'outbound',
      channel: 'messaging',
      queueId: 'q-1',
      queue: 'Billing',
      agentPlatformId: JANE,
      disposition: 'W',
      wrapupNotes: 'n',
      disconnectType: 'peer',
      eventTime: '2026-11-25T10:15:02.123Z',
      participantId: 'p-1',
      messageType: 'whatsapp',
      leg: 'primary',
      Account: 'A-1',
      Priority: 5,
      Vip: true,
      'attributes.ani': 'shadow',
    });
  });

  it("participant data kept from the cloud attributes topic is added; the body's own win", async () => {
    const { send } = session();
    await send(
      {
        topicName: `v2.detail.events.conversation.${CONV}.attributes`,
        eventBody: { conversationId: CONV, attributes: { Account: 'kept', Tier: 'kept' } },
      },
      'cloud',
    );
    const sent = only(
      await send(wf('held', { userId: JANE, attributes: { Tier: 'own' } }), 'cloud-workflow'),
    );
    expect(sent.props).toMatchObject({ Account: 'kept', Tier: 'own' });
  });

  it('the body eventId is the outcome event id, for de-duplication; none without it', async () => {
    const { outcome } = session();
    expect(
      await outcome(wf('user.start', { userId: JANE, eventId: 'wf-1' }), 'cloud-workflow'),
    ).toMatchObject({
      kind: 'accepted',
      eventId: 'wf-1',
    });
    const none = await outcome(wf('user.start', { userId: JANE }), 'cloud-workflow');
    expect(none.kind === 'accepted' && none.eventId).toBeFalsy();
  });
});
