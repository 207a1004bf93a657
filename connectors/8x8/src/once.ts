// 8x8 repeats some moments (InteractionCreated then InteractionAssigned; CONVERSATION_UPDATE on every change),
// so a pop is sent once per interaction and agent; the keyed store remembers it for its TTL.
import type { StateStore } from '@openconnect/core';

/** True the first time `key` is seen (and marks it), false afterwards. */
export async function firstTime(state: StateStore, key: string): Promise<boolean> {
  if (await state.get(key)) return false;
  await state.set(key, true);
  return true;
}
