// The AXP AGENT_ENGAGEMENT events this connector maps, and to what. One table: the `axp` source maps with it,
// and the built-in subscription upkeep asks AXP for exactly these events unless told otherwise.
import type { Lifecycle } from '@openconnect/core';

/** AXP event name → lifecycle. Event names are confirmed (notification-subscriptions docs). */
export const AXP_LIFECYCLE: Readonly<Record<string, Lifecycle>> = {
  AgentParticipantInvited: 'offered',
  AgentParticipantAdded: 'answered',
  AgentParticipantHeld: 'held',
  AgentParticipantUnheld: 'resumed',
  AgentParticipantRemoved: 'ended',
  AgentLoggedIn: 'agent_state',
  AgentLoggedOut: 'agent_state',
  AgentReady: 'agent_state',
  AgentNotReady: 'agent_state',
};

export const AXP_MAPPED_EVENTS: readonly string[] = Object.keys(AXP_LIFECYCLE);
