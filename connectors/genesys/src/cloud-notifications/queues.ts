// cloudNotifyQueues may name queues as an admin sees them; topics need ids. A name is looked up with
// GET /api/v2/routing/queues?name=... (which also matches partial names) and must match one queue exactly.
import type { StateStore } from '@openconnect/core';
import { GENESYS_ID } from '../cloud-events.js';
import type { GenesysRest } from './rest.js';

// A resolved name is trusted this long before it is looked up again (renamed queues).
const NAME_TTL_MS = 60 * 60 * 1000;

export interface ResolvedQueues {
  ids: string[];
  /** Names no queue has (exactly, ignoring case). */
  unknown: string[];
}

interface QueueEntity {
  id?: unknown;
  name?: unknown;
}

export async function resolveQueues(
  rest: GenesysRest,
  entries: string[],
  state: StateStore,
): Promise<ResolvedQueues> {
  const ids = new Set<string>();
  const unknown: string[] = [];
  for (const entry of entries) {
    if (GENESYS_ID.test(entry)) {
      ids.add(entry.toLowerCase());
      continue;
    }
    // Stryker disable next-line MethodExpression: the key only needs one case, the same for the write and the read
    const key = `cloud-notifications:queue-name:${entry.toLowerCase()}`;
    const cached = await state.get<string>(key);
    if (cached) {
      ids.add(cached);
      continue;
    }
    const answer = await rest.call<{ entities?: QueueEntity[] }>('GET', '/api/v2/routing/queues', {
      what: `looking up the queue named ${JSON.stringify(entry)}`,
      permission: 'Routing > Queue > View',
      query: { name: entry, pageSize: '100' },
    });
    // Stryker disable next-line ArrayDeclaration: a placeholder entry has no name, so it matches no queue either
    const match = (answer.data?.entities ?? []).find(
      (queue) =>
        typeof queue?.name === 'string' &&
        queue.name.toLowerCase() === entry.toLowerCase() &&
        typeof queue.id === 'string',
    );
    if (!match) {
      unknown.push(entry);
      continue;
    }
    ids.add(match.id as string);
    await state.set(key, match.id, NAME_TTL_MS);
  }
  return { ids: [...ids], unknown };
}

export const unknownQueuesMessage = (unknown: string[]) =>
  `cloudNotifyQueues: Genesys Cloud has no queue named ${unknown.map((name) => JSON.stringify(name)).join(', ')} (names must match exactly; ids work too)`;
