// Five9's Web Connector triggers (the `webConnectorTriggerType` enum of the Configuration Web Services) and
// the lifecycle each one means. The enum has call triggers and, in later releases, chat and e-mail ones; it
// has no trigger for a blind transfer or a conference (legs.ts infers those).
import type { Lifecycle } from '@openconnect/core';

export const CALL_TRIGGERS = [
  'OnCallAccepted',
  'OnCallDisconnected',
  'OnCallDispositioned',
  'OnPreview',
  'OnContactSelection',
  'OnWarmTransferInitiation',
  'ManuallyStarted',
  'ManuallyStartedAllowDuringPreviews',
] as const;

export const CHAT_TRIGGERS = ['OnChatArrival', 'OnChatTransfer', 'OnChatTermination', 'OnChatClose'] as const;
export const EMAIL_TRIGGERS = ['OnEmailArrival', 'OnEmailTransfer', 'OnEmailClose'] as const;

export const TRIGGERS = [...CALL_TRIGGERS, ...CHAT_TRIGGERS, ...EMAIL_TRIGGERS] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** The trigger as Five9 spells it, when the constant the admin typed matches one (case-insensitively). */
export function knownTrigger(value: string): Trigger | undefined {
  const word = value.trim().toLowerCase();
  return TRIGGERS.find((trigger) => trigger.toLowerCase() === word);
}

export function lifecycleOf(trigger: Trigger): Lifecycle {
  switch (trigger) {
    case 'OnCallAccepted':
    // Five9: "a chat (e-mail) message is delivered to the agent": the agent has it, there is no accept trigger.
    case 'OnChatArrival':
    case 'OnEmailArrival':
      return 'answered';
    case 'OnCallDisconnected':
    // The customer or the agent closed the chat; the disposition is still to come (OnChatClose).
    case 'OnChatTermination':
      return 'ended';
    case 'OnCallDispositioned':
    case 'OnChatClose':
    case 'OnEmailClose':
      return 'completed';
    case 'OnPreview':
    case 'OnContactSelection':
      return 'offered';
    case 'OnWarmTransferInitiation':
    case 'OnChatTransfer':
    case 'OnEmailTransfer':
      return 'transferred';
    // An agent's click, not a call event: the PopFlow is published to the trigger's own name.
    case 'ManuallyStarted':
    case 'ManuallyStartedAllowDuringPreviews':
      return 'custom';
  }
}

/** The media a trigger reports: chat and e-mail triggers name theirs, every other trigger is a call's. */
export function channelOf(trigger: Trigger): 'voice' | 'chat' | 'email' {
  if ((CHAT_TRIGGERS as readonly string[]).includes(trigger)) return 'chat';
  if ((EMAIL_TRIGGERS as readonly string[]).includes(trigger)) return 'email';
  return 'voice';
}

/** Five9's call types (`Call.type`) → direction. Internal, agent-to-agent and test calls have none. */
export function directionOf(callType: string): 'inbound' | 'outbound' | undefined {
  switch (callType.trim().toUpperCase()) {
    case 'INBOUND':
    case 'INBOUND_VOICEMAIL':
      return 'inbound';
    case 'OUTBOUND':
    case 'OUTBOUND_PREVIEW':
    case 'OUTBOUND_VOICEMAIL':
    case 'AUTODIAL':
    case 'PREVIEW':
    case 'MANUAL':
      return 'outbound';
    // Stryker disable next-line ConditionalExpression: without this return the switch falls off the end, which returns undefined too
    default:
      return undefined;
  }
}
