// Small helpers every Genesys source shares: reading the source name from the URL, plain numbers,
// vendor data as props, and the agent login through the static directory.
import { type Directory, type InboundRequest, type Props, PROP, RESERVED_FIELDS } from '@openconnect/core';

export const SOURCE_IDS = ['cloud', 'cloud-workflow', 'pureconnect', 'pureengage'] as const;

/** The source the URL names (`/webhooks/genesys/<source>`), if any. */
export function sourceNamedInUrl(req: InboundRequest): string | undefined {
  try {
    const last = new URL(req.url).pathname.replace(/\/+$/, '').split('/').pop() ?? '';
    return (SOURCE_IDS as readonly string[]).includes(last) ? last : undefined;
  } catch {
    return undefined;
  }
}

/**
 * detect(): the URL wins when it names a source; otherwise the body decides. Never throws.
 */
export function detector(id: string, looksLike: (body: unknown) => boolean) {
  return (req: InboundRequest): boolean => {
    const named = sourceNamedInUrl(req);
    if (named) return named === id;
    try {
      return looksLike(JSON.parse(req.rawBody.toString('utf8')));
    } catch {
      return false;
    }
  };
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `tel:+13175550142` → `+13175550142`; `sip:+1317...@host` → `+1317...`; anything else unchanged. */
export function plainNumber(address: string): string {
  const trimmed = address.trim();
  const tel = /^tel:(.+)$/i.exec(trimmed);
  if (tel) return tel[1]!.split(';')[0]!;
  const sip = /^sips?:([^@;]+)/i.exec(trimmed);
  return sip ? sip[1]! : trimmed;
}

const reserved = new Set<string>(RESERVED_FIELDS);
const canonical = new Set<string>(Object.values(PROP));

/**
 * Adds vendor key/values (participant data, call attributes, attached data) under their own names,
 * so PopFlows see them as the vendor spells them. A name that would shadow a reserved field or a
 * canonical prop is kept under `<prefix>.<name>` instead of being dropped or overwriting ours.
 */
export function addVendorProps(
  props: Props,
  entries: Iterable<[string, string | number | boolean]>,
  prefix: string,
): void {
  for (const [name, value] of entries) {
    if (!name || name === '__proto__') continue; // an empty name is invalid; __proto__ would not be a prop
    const clash = reserved.has(name.toLowerCase()) || canonical.has(name) || Object.hasOwn(props, name);
    props[clash ? `${prefix}.${name}` : name] = value;
  }
}

/** Adds the props whose value is defined, leaving the rest out. */
export function defined(values: Record<string, string | number | boolean | undefined | null>): Props {
  const out: Props = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  }
  return out;
}

/** Platform id → login through the static directory, else the id itself (PureConnect / PureEngage logins). */
export function loginFor(directory: Directory, platformId: string | undefined): string | undefined {
  const id = platformId?.trim();
  if (!id) return undefined;
  return directory.get(id) ?? id;
}
