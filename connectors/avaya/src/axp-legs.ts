// Which leg an AXP agent joins an engagement on. An engagement is the customer's whole interaction, shared by
// every participant, so a second agent's offer is a transfer, consult or conference leg of it: the event's
// reason field says which where it has one (a belief: Avaya does not publish the webhook fields), else the
// deployment's `axpUnmarkedLeg` (default transfer). One offered and one answered per agent per engagement.
import { ignore, type Ignored, type Leg, legProps, type Props, type StateStore } from '@openconnect/core';

const TTL_MS = 4 * 3_600_000;

const LEG_WORDS: readonly [RegExp, Leg][] = [
  [/consult/i, 'consult'],
  [/transfer/i, 'transfer'],
  [/conferenc/i, 'conference'],
];

/** The leg a reason value names (CONSULT, TRANSFERRED, CONFERENCE...), if any. */
export const legOf = (text: string): Leg | undefined => LEG_WORDS.find(([word]) => word.test(text))?.[1];

/** What the leg of an offer or answer depends on. */
export interface LegFacts {
  type?: string;
  engagementId?: string;
  /** The engagement a leg belongs to, when the event names another one. */
  parentId?: string;
  /** The leg the event's reason names. */
  leg?: Leg;
}

export async function placeAgent(
  event: LegFacts,
  agentid: string,
  lifecycle: string,
  state: StateStore,
  unmarked: Exclude<Leg, 'primary'>,
): Promise<Props | Ignored> {
  const engagement = event.engagementId;
  if (!engagement) return legProps(event.leg ?? 'primary', event.parentId);
  const root = event.parentId ?? engagement;
  const popKey = `axp:pop:${agentid}:${root}:${lifecycle}`;
  if (await state.get(popKey)) {
    return ignore(
      `AXP event ${event.type}: engagement ${root} was ${lifecycle} to ${agentid} before (one pop per agent per engagement)`,
    );
  }
  await state.set(popKey, true, TTL_MS);
  const firstKey = `axp:first:${root}`;
  const first = await state.get<string>(firstKey);
  if (!first) await state.set(firstKey, agentid, TTL_MS);
  const later = (first !== undefined && first !== agentid) || event.parentId !== undefined;
  const leg: Leg = event.leg ?? (later ? unmarked : 'primary');
  // legProps names no parent for the primary leg.
  return legProps(leg, root);
}
