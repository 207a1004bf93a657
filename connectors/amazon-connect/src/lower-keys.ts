// Amazon Connect bodies spell their keys in several cases (AWS's own samples mix them): read alike.
import { InputError } from '@openconnect/core';

/** Far deeper than any Amazon Connect event; deeper bodies are refused instead of exhausting the stack. */
export const MAX_DEPTH = 32;

/**
 * Lower-cases every object key, so `AgentInfo.AgentArn`, `agentInfo.agentArn` and `instanceARN` read
 * alike (AWS's own samples mix them). Maps named in `verbatim` keep their keys: they are user data.
 */
export function lowerKeys(value: unknown, verbatim: ReadonlySet<string> = new Set(), depth = 0): unknown {
  if (!value || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) throw new InputError(`the body is nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((item) => lowerKeys(item, verbatim, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const lower = key.toLowerCase();
    // First spelling wins when a body carries both `contactId` and `ContactId`; `__proto__` would set
    // the object's prototype instead of a key, so it is dropped.
    if (Object.hasOwn(out, lower) || lower === '__proto__') continue;
    out[lower] = verbatim.has(lower) ? child : lowerKeys(child, verbatim, depth + 1);
  }
  return out;
}
