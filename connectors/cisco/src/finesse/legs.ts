// Which leg of a call a Finesse dialog is for one agent, and the per-agent memory that keeps core's leg rules
// (core/src/legs.ts): the agent who starts a consult gets no pop for it, a transfer or conference that
// brings an agent back onto a call they were consulted on adds no second pop.
//
// Finesse facts used here (Finesse Web Services developer guide, Dialog and CTI event mappings):
// - mediaProperties/callType names the leg: CONSULT for a consult call (CONSULT_OFFERED is a belief: kept
//   for releases that spell the offered side so), TRANSFER, CONFERENCE; everything else is the first leg.
// - A consult call is its own dialog; its fromAddress is the extension of the agent who dialed it, and its
//   associatedDialogUri points to the original dialog (/finesse/api/Dialog/{id}): the call's first leg.
// - When a transfer or conference completes, the surviving call's dialog carries the dropped call's dialog
//   id in secondaryId, and the dropped dialog leaves the agents' lists (DELETE) while their legs are up.
import { type Leg, PROP, type Props, type StateStore } from '@openconnect/core';
import type { Dialog, Participant } from './model.js';

export function legOf(dialog: Dialog): Leg {
  switch (dialog.mediaProperties.callType?.toUpperCase()) {
    case 'CONSULT':
    case 'CONSULT_OFFERED':
      return 'consult';
    case 'TRANSFER':
      return 'transfer';
    case 'CONFERENCE':
      return 'conference';
    default:
      return 'primary';
  }
}

/** The id of the dialog that associatedDialogUri names, when it is another dialog. */
export function parentOf(dialog: Dialog): string | undefined {
  const match = dialog.associatedDialogUri?.match(/\/Dialog\/([^/\s]+)\/?$/i);
  const id = match?.[1];
  return id && id !== dialog.id ? id : undefined;
}

const DIALING = new Set(['INITIATING', 'INITIATED']);

/**
 * Whether this agent started the consult dialog: it is the dialog's fromAddress, or its own leg was seen
 * dialing (INITIATING/INITIATED) when the extension was not known; remembered for the dialog's later updates.
 */
export async function startedByAgent(
  state: StateStore,
  ttl: number,
  loginId: string,
  dialog: Dialog,
  extension: string | undefined,
  own: Participant | undefined,
): Promise<boolean> {
  const key = `finesse:consulting:${loginId}:${dialog.id}`;
  if (await state.get<boolean>(key)) return true;
  const started =
    (extension !== undefined && dialog.fromAddress === extension) ||
    (own?.state !== undefined && DIALING.has(own.state));
  if (started) await state.set(key, true, ttl);
  return started;
}

const GONE = new Set(['DROPPED', 'FAILED', 'WRAP_UP']);

/** A consult dialog removed while this agent's leg is still up was merged into the surviving call. */
export function mergedAway(verb: string, leg: Leg, own: Participant | undefined): boolean {
  return verb === 'DELETE' && leg === 'consult' && own?.state !== undefined && !GONE.has(own.state);
}

/**
 * Rule 3 for one agent: an `offered` or `answered` for a call this agent already had it for (through any
 * of the dialog's own id, its parent, or the dropped dialog it survived, secondaryId) is not sent again.
 * Returns the call id it was already sent for, or records it under the dialog's ids and returns undefined.
 */
export async function alreadyPopped(
  state: StateStore,
  ttl: number,
  loginId: string,
  dialog: Dialog,
  lifecycle: 'offered' | 'answered',
): Promise<string | undefined> {
  const ids = [parentOf(dialog), dialog.id, dialog.secondaryId].filter((id): id is string => !!id);
  for (const id of ids) {
    if (await state.get<boolean>(`finesse:pop:${loginId}:${id}:${lifecycle}`)) return id;
  }
  for (const id of ids) await state.set(`finesse:pop:${loginId}:${id}:${lifecycle}`, true, ttl);
  return undefined;
}

type Customer = { ani?: unknown; dnis?: unknown };

/**
 * A consult dialog's fromAddress is the consulting agent's extension, not the customer: the consulted agent
 * gets the customer's ani and dnis from the call's first dialog, as any agent's feed last showed it (the
 * state store is shared by every agent's notifications). Other legs are the customer's call: they record it.
 */
export async function customerOfCall(
  state: StateStore,
  ttl: number,
  dialog: Dialog,
  leg: Leg,
  parent: string | undefined,
  props: Props,
): Promise<void> {
  if (leg !== 'consult') {
    const customer: Customer = { ani: props[PROP.ani], dnis: props[PROP.dnis] };
    if (customer.ani) await state.set(`finesse:customer:${dialog.id}`, customer, ttl);
    return;
  }
  const customer = parent ? await state.get<Customer>(`finesse:customer:${parent}`) : undefined;
  if (typeof customer?.ani === 'string') props[PROP.ani] = customer.ani;
  if (typeof customer?.dnis === 'string') props[PROP.dnis] = customer.dnis;
}
