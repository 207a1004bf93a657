// Finesse steps one at a time: which states and orders become a message, which callTypes, MRD names and numbers
// give direction, channel, platform, ani and dnis, and how long a retry gets the first answer back.
import { createMemoryStateStore, createRuntime, handleRequest, type Outcome } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { channelOf, directionOf } from '../src/finesse/dialog.js';
import { type DialogSpec, dialogs, finesseRequest, update } from './finesse-helpers.js';
import { FINESSE_TOKEN, services } from './helpers.js';

const runtime = (options: Record<string, unknown> = {}) =>
  createRuntime(connector, { options: { finesseToken: FINESSE_TOKEN, ...options } }, { services });
const feed = '/finesse/api/User/1001001/Dialogs';

const said = (outcome: Outcome) =>
  outcome.kind === 'accepted'
    ? outcome.messages.map((m) => [m.lifecycle, m.props.nativeEvent])
    : outcome.kind === 'ignored'
      ? outcome.reason
      : [outcome.kind, outcome.answer.status];

/** Plays dialog updates on one runtime, each a PUT on the agent's feed unless it says otherwise. */
async function play(
  rt: ReturnType<typeof runtime>,
  ...steps: (Partial<DialogSpec> & { verb?: string; xml?: string })[]
) {
  const out: unknown[] = [];
  for (const { verb = 'PUT', xml, ...spec } of steps) {
    out.push(
      said(await handleRequest(rt, finesseRequest(update(xml ?? dialogs(spec as DialogSpec), verb, feed)))),
    );
  }
  return out;
}

/** The props of the one message a dialog update gives. */
async function propsOf(xml: string, options: Record<string, unknown> = {}) {
  const outcome = await handleRequest(runtime(options), finesseRequest(update(xml, 'PUT', feed)));
  expect(outcome.kind, 'reason' in outcome ? outcome.reason : '').toBe('accepted');
  return outcome.kind === 'accepted' ? outcome.messages[0]?.props : undefined;
}

const withMediaType = (spec: DialogSpec, mediaType: string | undefined) =>
  dialogs(spec).replace(
    '<mediaType>Voice</mediaType>',
    mediaType === undefined ? '' : `<mediaType>${mediaType}</mediaType>`,
  );

describe('Finesse dialog states', () => {
  it('ignores a dialog without a state and one in a state it does not map, saying which dialog', async () => {
    expect(
      await play(runtime(), { xml: dialogs({ id: '5', state: 'PARKED' }, { id: '6', state: '' }) }),
    ).toEqual([
      'dialog 5: dialog state PARKED is not one this connector maps; dialog 6: the dialog has no state',
    ]);
  });

  it('ignores an update that lists no dialogs', async () => {
    expect(await play(runtime(), { xml: '<dialogs></dialogs>' })).toEqual([
      'the dialog update lists no dialogs',
    ]);
  });

  it('sends no end after wrap-up: Finesse may send DROPPED after WRAP_UP', async () => {
    expect(await play(runtime(), { id: '31', state: 'WRAP_UP' }, { id: '31', state: 'DROPPED' })).toEqual([
      [['wrapup', 'WRAP_UP']],
      'dialog 31: the dialog already went to wrap-up',
    ]);
  });

  it('sends nothing for a late ACTIVE after the call ended, nor for the DROPPED that follows it', async () => {
    expect(
      await play(
        runtime(),
        { id: '32', state: 'DROPPED' },
        { id: '32', state: 'ACTIVE' },
        { id: '32', state: 'DROPPED', variables: [['callVariable1', 'late']] },
      ),
    ).toEqual([
      [['ended', 'DROPPED']],
      'dialog 32: the dialog already ended',
      'dialog 32: the dialog is still ended',
    ]);
  });

  it('reads ACCEPTED as answered on a nonvoice task, known by its MRD or by an underscore in its id', async () => {
    expect(
      await play(
        runtime(),
        { xml: withMediaType({ id: '35', state: 'ACCEPTED' }, 'Chat') },
        { xml: withMediaType({ id: '151635_312_1', state: 'ACCEPTED' }, 'Voice') },
        { xml: withMediaType({ id: '36', state: 'ACCEPTED' }, 'Voice_Backup') },
      ),
    ).toEqual([[['answered', 'ACCEPTED']], [['answered', 'ACCEPTED']], [['answered', 'ACCEPTED']]]);
  });

  it('reads ACCEPTED as a preview reservation on a voice dialog, whatever the case of Voice, or without a mediaType', async () => {
    const preview = 'ACCEPTED on a voice dialog is a preview reservation; the call pops when it is ACTIVE';
    expect(
      await play(
        runtime(),
        { xml: withMediaType({ id: '33', state: 'ACCEPTED' }, undefined) },
        { xml: withMediaType({ id: '34', state: 'ACCEPTED' }, 'VOICE') },
      ),
    ).toEqual([`dialog 33: ${preview}`, `dialog 34: ${preview}`]);
  });

  it('ignores an agent-initiated outbound call while it is INITIATED, by default', async () => {
    expect(await play(runtime(), { id: '37', state: 'INITIATED', media: { callType: 'OUT' } })).toEqual([
      'dialog 37: INITIATED is an outbound call the agent is still dialing; it is sent when answered (ACTIVE)',
    ]);
  });
});

describe('Finesse direction, channel and platform', () => {
  it('reads every inbound callType as inbound', () => {
    expect(
      ['ACD_IN', 'PREROUTE_ACD_IN', 'PREROUTE_DIRECT_AGENT', 'OTHER_IN', 'OVERFLOW_IN', 'TRANSFER'].map(
        directionOf,
      ),
    ).toEqual(['inbound', 'inbound', 'inbound', 'inbound', 'inbound', 'inbound']);
  });

  it('reads OUT only as a word of the callType, and a direction word as core does', () => {
    expect(
      [
        'OUTSIDE',
        'CALLOUT',
        'AGENT_OUTSIDE',
        'TIMEOUT_X',
        'CONSULT',
        'Inbound',
        'outbound',
        '',
        undefined,
      ].map(directionOf),
    ).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'inbound',
      'outbound',
      undefined,
      undefined,
    ]);
  });

  it('finds a mail or other channel word in an MRD name, and nothing in no name', () => {
    expect(['ECE_Mail', 'SMS_Gateway', 'voice', '  ', undefined].map(channelOf)).toEqual([
      'email',
      'sms',
      'voice',
      undefined,
      undefined,
    ]);
  });

  it('marks UCCE from the call key id or the call key prefix alone', async () => {
    const platform = async (media: Record<string, string>) =>
      (await propsOf(dialogs({ state: 'ACTIVE', media })))?.platform;
    expect([await platform({ callKeyCallId: '23498' }), await platform({ callKeyPrefix: '151234' })]).toEqual(
      ['UCCE', 'UCCE'],
    );
  });

  it('marks no platform when neither a call key nor user.task.id shows one', async () => {
    const props = await propsOf(dialogs({ state: 'ACTIVE', variables: [['user.task.idx', '1']] }));
    expect(props?.platform).toBeUndefined();
  });

  it('lets finessePlatform win over what the dialog shows', async () => {
    const props = await propsOf(dialogs({ state: 'ACTIVE', media: { callKeyCallId: '23498' } }), {
      finessePlatform: 'UCCX',
    });
    expect(props?.platform).toBe('UCCX');
  });
});

describe('Finesse ani and dnis', () => {
  it('takes an inbound dnis from DNIS, else dialedNumber, else toAddress', async () => {
    const dnis = async (media: Record<string, string>) =>
      (
        await propsOf(
          dialogs({
            state: 'ACTIVE',
            from: '6125550142',
            to: '2001',
            media: { callType: 'ACD_IN', ...media },
          }),
        )
      )?.dnis;
    expect([
      await dnis({ DNIS: '8005550100', dialedNumber: '8005550199' }),
      await dnis({ dialedNumber: '8005550199' }),
      await dnis({}),
    ]).toEqual(['8005550100', '8005550199', '2001']);
  });

  it('takes an outbound ani from callbackNumber, else toAddress, else dialedNumber, and the dnis from DNIS', async () => {
    const numbers = async (xml: string) => {
      const props = await propsOf(xml);
      return [props?.ani, props?.dnis];
    };
    const out = {
      state: 'ACTIVE',
      from: '1001',
      media: { callType: 'OUT', dialedNumber: '6125550111', DNIS: '5555' },
    };
    expect([
      await numbers(
        dialogs({ ...out, to: '96125550199' }).replace(
          '<id>',
          '<callbackNumber>6125550199</callbackNumber><id>',
        ),
      ),
      await numbers(dialogs({ ...out, to: '96125550199' }).replace('<id>', '<callbackNumber/><id>')),
      await numbers(dialogs(out)),
    ]).toEqual([
      ['6125550199', '5555'],
      ['96125550199', '5555'],
      ['6125550111', '5555'],
    ]);
  });
});

describe('Finesse legs', () => {
  it('reads CONSULT_OFFERED and a lower-case consult callType as the consult leg', async () => {
    const leg = async (callType: string) =>
      (await propsOf(dialogs({ state: 'ACTIVE', from: '1002', media: { callType } }), {}))?.leg;
    expect([await leg('CONSULT_OFFERED'), await leg('consult')]).toEqual(['consult', 'consult']);
  });

  it("names the parent from associatedDialogUri, a trailing slash allowed, but not the dialog's own id", async () => {
    const parent = async (uri: string) =>
      (
        await propsOf(
          dialogs({ id: '16818', state: 'ACTIVE', from: '1002', media: { callType: 'CONSULT' } }).replace(
            '<id>',
            `<associatedDialogUri>${uri}</associatedDialogUri><id>`,
          ),
        )
      )?.parentInteractionId;
    expect([
      await parent('/finesse/api/Dialog/16817/'),
      await parent('/finesse/api/Dialog/16818'),
      await parent('/finesse/api/Dialog/16817/extra'),
    ]).toEqual(['16817', undefined, undefined]);
  });

  it('knows the agent started a consult whose own leg is INITIATED', async () => {
    expect(
      await play(runtime(), {
        id: '16818',
        state: 'INITIATED',
        media: { callType: 'CONSULT' },
        legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'INITIATED' }],
      }),
    ).toEqual([
      'dialog 16818: agent 1001001 started this consult call (its fromAddress); their own consult leg is not popped to them',
    ]);
  });

  it('ends a consult dialog removed after its agent leg FAILED or went to WRAP_UP: not a merge', async () => {
    const removed = (id: string, state: string) => ({
      id,
      verb: 'DELETE',
      state,
      from: '1002',
      media: { callType: 'CONSULT' },
      legs: [{ address: '1001', type: 'AGENT_DEVICE', state }],
    });
    expect(await play(runtime(), removed('16818', 'FAILED'), removed('16819', 'WRAP_UP'))).toEqual([
      [['ended', 'FAILED']],
      [['wrapup', 'WRAP_UP']],
    ]);
  });
});

describe('Finesse agent states', () => {
  const user = (state: string, time: string, reason = '') =>
    finesseRequest(
      update(
        `<user><loginId>1001004</loginId><state>${state}</state>${reason}<stateChangeTime>${time}</stateChangeTime></user>`,
        'PUT',
        '/finesse/api/User/1001004',
      ),
    );

  it('ignores a User update that repeats the state, naming it without a reason code', async () => {
    const rt = runtime();
    await handleRequest(rt, user('READY', '2026-11-25T12:00:00.000Z'));
    expect(said(await handleRequest(rt, user('READY', '2026-11-25T12:00:01.000Z')))).toBe(
      'agent 1001004 is still READY',
    );
  });

  it('sends the same state again when only the reason code changed', async () => {
    const rt = runtime();
    const reason = (id: string) => `<reasonCodeId>${id}</reasonCodeId>`;
    await handleRequest(rt, user('NOT_READY', '2026-11-25T12:00:00.000Z', reason('12')));
    const outcome = await handleRequest(rt, user('NOT_READY', '2026-11-25T12:00:01.000Z', reason('13')));
    expect(
      outcome.kind === 'accepted' &&
        outcome.messages.map((m) => [m.props.agentState, m.props.previousAgentState, m.props.reasonCodeId]),
    ).toEqual([['NOT_READY', 'NOT_READY', '13']]);
  });
});

describe('Finesse retries', () => {
  it('answers a retry with the first messages for a quarter of an hour, then maps it afresh', async () => {
    let now = 1_795_608_000_000;
    const state = createMemoryStateStore(() => now);
    const rt = createRuntime(connector, { options: { finesseToken: FINESSE_TOKEN } }, { services, state });
    const ringing = finesseRequest(update(dialogs({ id: '40', state: 'ALERTING' }), 'POST', feed));
    await handleRequest(rt, ringing);
    now += 15 * 60 * 1000 - 1;
    const within = said(await handleRequest(rt, ringing));
    now += 1;
    const after = said(await handleRequest(rt, ringing));
    expect([within, after]).toEqual([[['offered', 'ALERTING']], 'dialog 40: the dialog is still offered']);
  });
});
