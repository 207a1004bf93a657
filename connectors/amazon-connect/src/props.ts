// Props the three sources build alike: values that are set, Connect's channel and direction words, and
// the vendor's own maps (contact attributes, flow parameters), which core's addVendorProps names.
import { normaliseChannel, normaliseDirection, type Props, type PropValue } from '@openconnect/core';

/** The prefix of a contact attribute or flow parameter whose name clashes (core's rule: `attributes.<name>`). */
export const VENDOR_PREFIX = 'attributes';

/**
 * The scalar entries of a contact-attribute or flow-parameter map, for addVendorProps: nested values carry
 * no prop, and the names in `skip` were already read (the agent and lifecycle parameters).
 */
export function scalarEntries(
  map: Record<string, unknown> | null | undefined,
  // Stryker disable next-line ArrayDeclaration: the default skips nothing; a placeholder name in it is no attribute a flow or contact carries
  skip: readonly string[] = [],
): [string, PropValue][] {
  const out: [string, PropValue][] = [];
  for (const [key, value] of Object.entries(map ?? {})) {
    if (skip.includes(key)) continue;
    if (typeof value === 'string' || typeof value === 'boolean') out.push([key, value]);
    // Number.isFinite does not coerce: true only for a finite number.
    else if (Number.isFinite(value)) out.push([key, value as number]);
  }
  return out;
}

/** Adds only the props that have a value, so messages carry no empty strings. */
export function defined(props: Record<string, string | number | boolean | null | undefined>): Props {
  const out: Props = {};
  for (const [key, value] of Object.entries(props)) {
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  }
  return out;
}

/** VOICE/Voice → voice; CHAT → chat; TASK → task; EMAIL → email (core's channel words). */
export const channelOf = (channel: string | null | undefined) => normaliseChannel(channel);

/** INBOUND → inbound; OUTBOUND, EXTERNAL_OUTBOUND, CALLBACK → outbound; TRANSFER, API... → none. */
export const directionOf = (method: string | null | undefined) => normaliseDirection(method ?? undefined);
