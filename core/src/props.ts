// Vendor fields beside the canonical props, under one rule for every connector: a vendor name is kept as it
// is unless it would clash — with a field OpenConnect reserves (agentid, jwt, crmid, event, in any case),
// with a canonical prop this project computes (lifecycle, nativeEvent, interactionId...), or with a prop
// already set — and then it travels as `<prefix>.<name>`: never dropped, never overwriting.
import { type Props, type PropValue, RESERVED_FIELDS } from './message.js';
import { PROP } from './vocabulary.js';

const reserved = new Set<string>(RESERVED_FIELDS);
const canonical = new Set<string>(Object.values(PROP));

/** Whether a vendor field name must take the connector's prefix in `props`. */
export function clashes(props: Props, name: string): boolean {
  return reserved.has(name.toLowerCase()) || canonical.has(name) || Object.hasOwn(props, name);
}

/** Adds vendor fields to `props` (in place, and returned) under the rule above; empty names are skipped. */
export function addVendorProps(
  props: Props,
  entries: Iterable<readonly [string, PropValue | undefined | null]>,
  prefix: string,
): Props {
  for (const [name, value] of entries) {
    // An empty name is no prop; __proto__ would set the object's prototype instead of a prop.
    if (!name || name === '__proto__' || value === undefined || value === null) continue;
    const key = clashes(props, name) ? `${prefix}.${name}` : name;
    // The same name a third time (its prefixed form taken too): the first value stays.
    if (!Object.hasOwn(props, key)) props[key] = value;
  }
  return props;
}
