// Dialog → lifecycle. The agent's own participant leg decides (in a consult the dialog can be ACTIVE
// while this agent's leg still rings); the dialog state is the fallback. Finesse sends a PUT for every
// change (actions, call variables...), so the last phase per agent and dialog is kept and only a change
// of phase becomes a message.
import {
  addVendorProps,
  CHANNELS,
  type Draft,
  type Leg,
  type Lifecycle,
  legProps,
  normaliseChannel,
  normaliseDirection,
  PROP,
  type Props,
} from '@openconnect/core';
import type { CiscoConfig } from '../config.js';
import type { Dialog, Participant } from './model.js';

/** Where a dialog is for one agent; `answered` covers resumed too. */
export type Phase = 'offered' | 'answered' | 'held' | 'ended' | 'wrapup';

export interface Step {
  phase: Phase;
  /** The Finesse state that caused it (nativeEvent). */
  state: string;
}

/**
 * The agent's leg: by extension when known (voice), by the agent's id (nonvoice participants are named by
 * the agent's id, a belief), else the only AGENT_DEVICE participant.
 */
export function agentLeg(
  dialog: Dialog,
  extension: string | undefined,
  loginId?: string,
): Participant | undefined {
  for (const address of [extension, loginId]) {
    const own = address ? dialog.participants.find((p) => p.mediaAddress === address) : undefined;
    if (own) return own;
  }
  const agents = dialog.participants.filter((p) => p.mediaAddressType === 'AGENT_DEVICE');
  return agents.length === 1 ? agents[0] : undefined;
}

/**
 * The phase a Finesse state means, or why it means none. Nonvoice tasks (chat, email through ECE) have their
 * own participant states: OFFERED, ACCEPTED (the agent took it), ACTIVE, PAUSED, INTERRUPTED, CLOSED; on a
 * voice dialog ACCEPTED only means a preview reservation was accepted, which is not the customer's call yet.
 */
export function phaseOf(
  state: string | undefined,
  config: CiscoConfig,
  // Stryker disable next-line BooleanLiteral: the default is never used, the one caller (mapDialog) always passes voice
  voice = true,
): Phase | { none: string } {
  switch (state) {
    case 'ALERTING':
    case 'OFFERED':
      return 'offered';
    case 'ACCEPTED':
      return voice
        ? { none: 'ACCEPTED on a voice dialog is a preview reservation; the call pops when it is ACTIVE' }
        : 'answered';
    case 'CLOSED':
      return 'ended';
    case 'ACTIVE':
      return 'answered';
    case 'HELD':
      return 'held';
    case 'DROPPED':
    case 'FAILED':
      return 'ended';
    case 'WRAP_UP':
      return 'wrapup';
    case 'INITIATING':
    case 'INITIATED':
      return config.finesseOutboundInitiated === 'offered'
        ? 'offered'
        : {
            none: `${state} is an outbound call the agent is still dialing; it is sent when answered (ACTIVE)`,
          };
    case undefined:
      return { none: 'the dialog has no state' };
    default:
      return { none: `dialog state ${state} is not one this connector maps` };
  }
}

const FINAL: readonly Phase[] = ['ended', 'wrapup'];

/**
 * The lifecycle a new phase means after the last one, or why it is not news: a repeat, a late update for
 * a dialog that already ended, or ended after wrap-up (Finesse may send either order).
 */
export function transition(last: Phase | undefined, next: Phase): Lifecycle | { none: string } {
  if (last === next) return { none: `the dialog is still ${next}` };
  if (last === 'wrapup' && next === 'ended') return { none: 'the dialog already went to wrap-up' };
  if (last && FINAL.includes(last) && !FINAL.includes(next)) return { none: `the dialog already ${last}` };
  if (next === 'answered' && last === 'held') return 'resumed';
  return next;
}

const INBOUND = new Set([
  'ACD_IN',
  'PREROUTE_ACD_IN',
  'PREROUTE_DIRECT_AGENT',
  'OTHER_IN',
  'OVERFLOW_IN',
  'TRANSFER',
]);

/** OUT, AGENT_OUT, AUTO_OUT, OUTBOUND, OUTBOUND_PREVIEW, OUTBOUND_DIRECT_PREVIEW, PREVIEW_OUTBOUND... */
const OUTBOUND = /(^|_)OUT(BOUND)?(_|$)/;

export function directionOf(callType: string | undefined): 'inbound' | 'outbound' | undefined {
  if (!callType) return undefined;
  if (INBOUND.has(callType)) return 'inbound';
  if (OUTBOUND.test(callType)) return 'outbound';
  return normaliseDirection(callType);
}

const CHANNEL_WORD = new RegExp(`(${CHANNELS.join('|')}|mail)`, 'i');

/**
 * `channel` from the dialog's mediaType, the enterprise name of its Media Routing Domain (Voice for calls;
 * an administrator names the others, e.g. Chat, ECE_Email): a name core does not know is searched for a
 * channel word before it is kept as it is.
 */
export function channelOf(mediaType: string | undefined): string | undefined {
  const word = normaliseChannel(mediaType);
  if (!word || (CHANNELS as readonly string[]).includes(word)) return word;
  const found = word.match(CHANNEL_WORD)?.[1];
  return found ? normaliseChannel(found) : word;
}

/** UCCE when the CCE router call key is there, UCCX when its task id ECC is; the config wins. */
export function platformOf(dialog: Dialog, config: CiscoConfig): 'UCCE' | 'UCCX' | undefined {
  if (config.finessePlatform) return config.finessePlatform;
  if (dialog.mediaProperties.callKeyCallId || dialog.mediaProperties.callKeyPrefix) return 'UCCE';
  if (dialog.callVariables.some(([name]) => name === 'user.task.id')) return 'UCCX';
  return undefined;
}

export interface DialogStep {
  lifecycle: Lifecycle;
  state: string;
  leg: Leg;
  parent?: string | undefined;
  /** The agent's participant stateChangeTime: Finesse's own time of this step. */
  time?: string | undefined;
}

export function dialogDraft(
  dialog: Dialog,
  step: DialogStep,
  agent: { login: string; loginId: string },
  config: CiscoConfig,
): Draft {
  const media = dialog.mediaProperties;
  const direction = directionOf(media.callType);
  const props: Props = {};
  const setFilled = (name: string, value: string | undefined) => {
    if (value) props[name] = value;
  };
  setFilled(PROP.nativeEvent, step.state);
  setFilled(PROP.interactionId, dialog.id);
  setFilled(PROP.platform, platformOf(dialog, config));
  setFilled(PROP.channel, channelOf(dialog.mediaType));
  setFilled(PROP.direction, direction);
  Object.assign(props, legProps(step.leg, step.parent));
  if (direction === 'outbound') {
    // The customer is the number dialed: toAddress (the dialer's prefix removed in callbackNumber, CCE direct
    // preview); fromAddress is the agent's extension or a dialer port, so no contact-center number is known.
    setFilled(PROP.ani, dialog.callbackNumber ?? dialog.toAddress ?? media.dialedNumber);
    setFilled(PROP.dnis, media.DNIS);
  } else {
    setFilled(PROP.ani, dialog.fromAddress);
    setFilled(PROP.dnis, media.DNIS ?? media.dialedNumber ?? dialog.toAddress);
  }
  setFilled(PROP.eventTime, step.time);
  setFilled(PROP.queue, media.queueName);
  setFilled(PROP.queueId, media.queueNumber);
  setFilled(PROP.disposition, media.wrapUpReason);
  if (agent.login !== agent.loginId) setFilled(PROP.agentPlatformId, agent.loginId);
  setFilled('fromAddress', dialog.fromAddress);
  setFilled('toAddress', dialog.toAddress);
  setFilled('dialogState', dialog.state);
  setFilled('secondaryId', dialog.secondaryId);
  setFilled('associatedDialogUri', dialog.associatedDialogUri);
  setFilled('callbackNumber', dialog.callbackNumber);
  // Finesse's media properties, then every call variable (empty ones too: a PopFlow may test for them),
  // under their own names; one that clashes (core's rule) keeps its data under its kind's prefix.
  addVendorProps(props, Object.entries(media), 'mediaProperties');
  addVendorProps(props, dialog.callVariables, 'callvariables');
  return { agentid: agent.login, lifecycle: step.lifecycle, props };
}
