// The leaves of a JSON payload whose field names are not published (AXP): every leaf is listed with its path
// once, then each wanted value is taken from the first candidate name that matches, shallowest first.

export type Leaf = { path: string[]; value: string | number | boolean };

const MAX_DEPTH = 8;
const MAX_LEAVES = 2_000;

/** Every string/number/boolean leaf of a JSON value with its path (array indices as strings). */
export function leaves(root: unknown): Leaf[] {
  const out: Leaf[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (out.length >= MAX_LEAVES || path.length > MAX_DEPTH) return;
    // Number.isFinite is true of finite numbers alone (no NaN, no Infinity), whatever else it is given.
    if (typeof node === 'string' || typeof node === 'boolean' || Number.isFinite(node)) {
      out.push({ path, value: node as Leaf['value'] });
    } else if (node) {
      // What is left and truthy is an object or an array (JSON), or Infinity, whose entries are none. An array's
      // entries are its indices as text, in order (JSON arrays have no holes or other keys).
      for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
    }
  };
  walk(root, []);
  return out;
}

export interface FindOptions {
  /** Deepest path accepted (number of segments). */
  maxDepth?: number;
  /** Extra condition on the value (e.g. looks like an event name). */
  accept?: (value: string) => boolean;
}

/**
 * The first leaf whose path ends with one of the candidates (`"agentId"` or `"queue.name"`), compared
 * case-insensitively. Candidates are tried in order; for each, the shallowest match wins. Empty strings never match.
 */
export function findLeaf(
  all: Leaf[],
  candidates: readonly string[],
  options: FindOptions = {},
): Leaf | undefined {
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  for (const candidate of candidates) {
    const tail = candidate.toLowerCase().split('.');
    let best: Leaf | undefined;
    for (const leaf of all) {
      if (leaf.path.length > maxDepth || leaf.path.length < tail.length) continue;
      const end = leaf.path.slice(-tail.length).map((s) => s.toLowerCase());
      if (!end.every((segment, i) => segment === tail[i])) continue;
      const text = String(leaf.value);
      if (!text.trim() || typeof leaf.value === 'boolean') continue;
      if (options.accept && !options.accept(text)) continue;
      if (!best || leaf.path.length < best.path.length) best = leaf;
    }
    if (best) return best;
  }
  return undefined;
}

export const pathKey = (path: string[]) => path.join('.');
