// 8x8 repeats some moments (InteractionCreated then InteractionAssigned; CONVERSATION_UPDATE on every change),
// so a pop is sent once per interaction and agent; the keyed store remembers it for its TTL.
import type { StateStore } from '@openconnect/core';

/**
 * True the first time `key` is seen (and marks it), false afterwards. The mark remembers which event
 * claimed the key: a redelivery of that same event (8x8 retries until it gets a 2xx, e.g. after the runner
 * answered 503 because its store was down) is claimed again, so the pop is not lost; the outbox then
 * delivers it once thanks to the same event id.
 */
export async function firstTime(state: StateStore, key: string, eventId?: string): Promise<boolean> {
  const claimedBy = await state.get<string | true>(key);
  // Stryker disable next-line ConditionalExpression: a stored claim is never undefined, so undefined === claimedBy is false anyway
  if (claimedBy !== undefined) return eventId !== undefined && claimedBy === eventId;
  // Stryker disable next-line BooleanLiteral: any stored value is a claim (read as !== undefined)
  await state.set(key, eventId ?? true);
  return true;
}
