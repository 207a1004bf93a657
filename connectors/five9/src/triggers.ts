// Five9's Web Connector triggers (the `webConnectorTriggerType` enum) and the lifecycle each one means.
import type { Lifecycle } from '@openconnect/core';

export const TRIGGERS = [
  'OnCallAccepted',
  'OnCallDisconnected',
  'OnCallDispositioned',
  'OnPreview',
  'OnContactSelection',
  'OnWarmTransferInitiation',
  'ManuallyStarted',
  'ManuallyStartedAllowDuringPreviews',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** The trigger as Five9 spells it, when the constant the admin typed matches one (case-insensitively). */
export function knownTrigger(value: string): Trigger | undefined {
  const word = value.trim().toLowerCase();
  return TRIGGERS.find((trigger) => trigger.toLowerCase() === word);
}

export function lifecycleOf(trigger: Trigger): Lifecycle {
  switch (trigger) {
    case 'OnCallAccepted':
      return 'answered';
    case 'OnCallDisconnected':
      return 'ended';
    case 'OnCallDispositioned':
      return 'completed';
    case 'OnPreview':
    case 'OnContactSelection':
      return 'offered';
    case 'OnWarmTransferInitiation':
      return 'transferred';
    // An agent's click, not a call event: the PopFlow is published to the trigger's own name.
    case 'ManuallyStarted':
    case 'ManuallyStartedAllowDuringPreviews':
      return 'custom';
  }
}

/** Five9's call types (`Call.type`) → direction. Internal and test calls have none. */
export function directionOf(callType: string): 'inbound' | 'outbound' | undefined {
  switch (callType.trim().toUpperCase()) {
    case 'INBOUND':
    case 'INBOUND_VOICEMAIL':
      return 'inbound';
    case 'OUTBOUND':
    case 'OUTBOUND_PREVIEW':
    case 'OUTBOUND_VOICEMAIL':
    case 'AUTODIAL':
    case 'AGENT':
      return 'outbound';
    // Stryker disable next-line ConditionalExpression: without this return the switch falls off the end, which returns undefined too
    default:
      return undefined;
  }
}
