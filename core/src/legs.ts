// How a call's legs appear on every platform, so one PopFlow works whichever vendor sends the call.
//
// A call reaches agents over legs: the customer's first leg (`primary`), a leg made by a transfer (blind or
// after a consult), a consult leg (an agent calls another agent, the customer on hold) and a conference leg
// (a party added to the call). Each `offered` and `answered` message names its leg in `leg`, and every leg but
// `primary` names the call's first leg in `parentInteractionId` (the platform's initial/master contact id) when
// the platform gives it. The rules, which each connector keeps and the conformance kit checks on every
// call-shape fixture (`checkCallShape`):
//   1. The agent who receives a transferred or consult call gets `offered`/`answered` for it: it is new to them.
//   2. The agent who started a consult gets no second pop for their own call (the consult leg they dial out on
//      is not offered to them).
//   3. A conference adds no pop for an agent already on the call: one `offered` and one `answered` per agent
//      per call at most, whatever legs follow.
import { PROP } from './vocabulary.js';

export const LEGS = ['primary', 'transfer', 'consult', 'conference'] as const;
export type Leg = (typeof LEGS)[number];

export function isLeg(value: unknown): value is Leg {
  // Stryker disable next-line ConditionalExpression: includes() of a non-string is false anyway; the check narrows the type
  return typeof value === 'string' && (LEGS as readonly string[]).includes(value);
}

/** The props naming a leg: `leg`, and `parentInteractionId` when a leg other than primary has one. */
export function legProps(leg: Leg, parentInteractionId?: string | undefined): Record<string, string> {
  const props: Record<string, string> = { [PROP.leg]: leg };
  if (leg !== 'primary' && parentInteractionId) props[PROP.parentInteractionId] = parentInteractionId;
  return props;
}

/** A call shape a fixture demonstrates (its `callShape` field). */
export const CALL_SHAPES = ['primary', 'transfer', 'consult', 'conference', 'outbound'] as const;
export type CallShape = (typeof CALL_SHAPES)[number];

/** What the rules read of a message. */
export interface LegMessage {
  agentid: string;
  lifecycle: string;
  props: Record<string, unknown>;
}

const POPS = new Set(['offered', 'answered']);

/** The call a message belongs to: its first leg's id, else its own. */
export function callOf(props: Record<string, unknown>): string | undefined {
  const parent = props[PROP.parentInteractionId];
  const own = props[PROP.interactionId];
  const id = parent ?? own;
  return id === undefined || id === null ? undefined : String(id);
}

/**
 * The rules above checked over the messages of one call, in order: an empty list when the sequence keeps
 * them, else one sentence per breach. `shape` adds what that shape must show (a transfer or consult leg
 * offered to a second agent; outbound messages with `direction: outbound` and the customer's number in `ani`).
 */
export function checkCallShape(shape: CallShape, messages: readonly LegMessage[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const firstAgent = messages.find((m) => POPS.has(m.lifecycle))?.agentid;
  for (const [index, message] of messages.entries()) {
    if (!POPS.has(message.lifecycle)) continue;
    const at = `message ${index + 1} (${message.lifecycle} for ${message.agentid})`;
    const leg = message.props[PROP.leg];
    if (!isLeg(leg)) problems.push(`${at} has no leg: set props.leg to one of ${LEGS.join(', ')}`);
    const call = callOf(message.props);
    if (call === undefined) problems.push(`${at} has no interactionId`);
    const key = `${message.agentid}\u0000${call}\u0000${message.lifecycle}`;
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count > 1)
      problems.push(
        `${at} is a second ${message.lifecycle} of call ${call} for the same agent: a duplicate pop`,
      );
  }
  const pops = messages.filter((m) => POPS.has(m.lifecycle));
  if (shape === 'transfer' || shape === 'consult') {
    const second = pops.filter((m) => m.props[PROP.leg] === shape && m.agentid !== firstAgent);
    if (!second.length)
      problems.push(
        `a ${shape} must offer its leg (leg: ${shape}) to an agent other than ${firstAgent ?? 'the first'}`,
      );
    for (const m of second) {
      if (m.props[PROP.parentInteractionId] === undefined && m.props[PROP.interactionId] === undefined) {
        problems.push(
          `the ${shape} leg for ${m.agentid} names no call (parentInteractionId or interactionId)`,
        );
      }
    }
  }
  if (shape === 'conference' && new Set(messages.map((m) => m.agentid)).size < 2) {
    problems.push('a conference fixture must show at least two agents');
  }
  if (shape === 'outbound') {
    for (const [index, m] of messages.entries()) {
      const direction = m.props[PROP.direction];
      if (direction !== undefined && direction !== 'outbound')
        problems.push(`message ${index + 1} has direction ${String(direction)}, not outbound`);
    }
    for (const m of pops) {
      if (m.props[PROP.direction] !== 'outbound')
        problems.push(`${m.lifecycle} for ${m.agentid} lacks direction: outbound`);
      if (m.props[PROP.channel] === 'voice' && m.props[PROP.ani] === undefined) {
        problems.push(`${m.lifecycle} for ${m.agentid} lacks ani (the number dialed, on an outbound call)`);
      }
    }
  }
  return problems;
}
