// The Talkdesk Connections triggers a custom integration can fire, and what each means for a screen pop.
import type { Lifecycle } from '@openconnect/core';

export const TRIGGERS = [
  'inbound_call_reaches_contact_center',
  'inbound_call_starts',
  'inbound_call_ends',
  'outbound_call_ends',
  'agent_logs_in',
  'agent_logs_out',
  'contact_created',
  'contact_updated',
  'note_created',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

// Letters and digits only, so `inbound_call_starts`, `InboundCallStarts` and "Inbound call starts" agree.
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
const ALIASES = new Map<string, Trigger>([
  // Stryker disable next-line ArrowFunction: a false survivor: new Map() throws at import on undefined entries, every test file collects no tests (checked by hand)
  ...TRIGGERS.map((t) => [squash(t), t] as const),
  ['agentlogin', 'agent_logs_in'],
  ['agentlogout', 'agent_logs_out'],
]);

/**
 * The trigger named by the template's `event` constant. Talkdesk's own `{{event}}` values are not
 * documented, so this also accepts the trigger names as Talkdesk's UI and Power Automate spell them.
 */
export function triggerOf(event: string): Trigger | undefined {
  return ALIASES.get(squash(event));
}

export type Meaning =
  | { lifecycle: Lifecycle; direction?: 'inbound' | 'outbound'; agentState?: string }
  | { ignore: string };

export function meaningOf(trigger: Trigger): Meaning {
  switch (trigger) {
    case 'inbound_call_reaches_contact_center':
      return { lifecycle: 'offered', direction: 'inbound' };
    case 'inbound_call_starts':
      return { lifecycle: 'answered', direction: 'inbound' };
    case 'inbound_call_ends':
      return { lifecycle: 'ended', direction: 'inbound' };
    case 'outbound_call_ends':
      return { lifecycle: 'ended', direction: 'outbound' };
    case 'agent_logs_in':
      return { lifecycle: 'agent_state', agentState: 'LoggedIn' };
    case 'agent_logs_out':
      return { lifecycle: 'agent_state', agentState: 'LoggedOut' };
    case 'contact_created':
    case 'contact_updated':
    case 'note_created':
      return { ignore: `${trigger} is a CRM-record trigger with no agent or call to pop` };
  }
}
