// Reading vendor values for props, in every Genesys source and session: JSON objects, plain numbers from
// tel:/sip: addresses, props without empty values, and the agent login through the static directory.
import type { Directory, Props } from '@openconnect/core';

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `tel:+13175550142` → `+13175550142`; `sip:+1317...@host` → `+1317...`; anything else unchanged. */
export function plainNumber(address: string): string {
  const trimmed = address.trim();
  const tel = /^tel:(.+)/i.exec(trimmed);
  if (tel) return tel[1]!.split(';')[0]!;
  const sip = /^sips?:([^@;]+)/i.exec(trimmed);
  return sip ? sip[1]! : trimmed;
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
