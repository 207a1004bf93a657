// The Web Connector parameters. Five9 lets the admin name every parameter, so the connector ships a
// recommended set (README) and a parameter → field map in the options whose default is that set.
import { z } from 'zod';

/** What a parameter can stand for. Anything not mapped to one of these is kept as a prop, by its own name. */
export const FIELDS = [
  'trigger',
  'agent',
  'interactionId',
  'sessionId',
  'ani',
  'dnis',
  'campaign',
  'queue',
  'disposition',
  'callType',
  'customerName',
  'eventTime',
] as const;
export type Field = (typeof FIELDS)[number];

/**
 * The recommended parameter set: parameter name → field. The Five9 side sends them as
 * `trigger=OnCallAccepted` (a constant) and `agent=@Agent.user_name@`, `ani=@Call.ANI@`... (variables).
 */
export const RECOMMENDED_PARAMS: Readonly<Record<string, Field>> = Object.freeze({
  trigger: 'trigger',
  agent: 'agent',
  call_id: 'interactionId',
  session_id: 'sessionId',
  ani: 'ani',
  dnis: 'dnis',
  campaign: 'campaign',
  skill: 'queue',
  disposition: 'disposition',
  call_type: 'callType',
});

/** The Five9 variable each recommended parameter carries, for the README and the tests. */
export const RECOMMENDED_VARIABLES: Readonly<Record<string, string>> = Object.freeze({
  agent: '@Agent.user_name@',
  call_id: '@Call.call_id@',
  session_id: '@Call.session_id@',
  ani: '@Call.ANI@',
  dnis: '@Call.DNIS@',
  campaign: '@Call.campaign_name@',
  skill: '@Call.skill_name@',
  disposition: '@Call.disposition_name@',
  call_type: '@Call.type@',
});

/**
 * OpenConnect's own names for the agent and the trigger, read by default beside the map's (an admin who
 * copied an OpenConnect example names the parameters `agentid` and `event`). The map's name wins when a
 * request carries both; a name the map gives another field keeps that meaning.
 */
export const OPENCONNECT_NAMES: Readonly<Record<string, 'agent' | 'trigger'>> = Object.freeze({
  agentid: 'agent',
  event: 'trigger',
});

/** A parameter map must name the trigger and the agent exactly once each. */
export const paramMapSchema = z.record(z.string().min(1), z.enum(FIELDS)).superRefine((map, ctx) => {
  for (const field of ['trigger', 'agent'] as const) {
    const names = Object.keys(map).filter((name) => map[name] === field);
    if (names.length !== 1) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: zod reports the message whatever the code, and nothing reads the code
        code: 'custom',
        message: `exactly one parameter must map to "${field}" (found ${names.length ? names.join(', ') : 'none'})`,
      });
    }
  }
});

/** The name of the parameter that carries a field under the given map. */
export function paramFor(map: Record<string, Field>, field: Field): string | undefined {
  return Object.keys(map).find((name) => map[name] === field);
}

/**
 * The parameters that may carry the agent or the trigger, in the order they are read: the map's own, then
 * OpenConnect's name for it (unless switched off, or the map uses that name for something else).
 */
export function namesFor(
  map: Record<string, Field>,
  field: 'agent' | 'trigger',
  openConnectNames: boolean,
): string[] {
  const names = [paramFor(map, field)!];
  if (!openConnectNames) return names;
  for (const [name, aliased] of Object.entries(OPENCONNECT_NAMES)) {
    if (aliased === field && !Object.hasOwn(map, name)) names.push(name);
  }
  return names;
}

// Five9 may leave a variable it cannot resolve as its placeholder text; such a value says nothing.
const PLACEHOLDER = /^@[\w .-]+@$/;

/** Is a received value real data (not empty, not an unresolved `@Group.name@` placeholder)? */
export function hasValue(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '' && !PLACEHOLDER.test(value.trim());
}
