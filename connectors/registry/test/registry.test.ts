import { describe, expect, it } from 'vitest';
import { connectors, findConnector } from '../src/index.js';

describe('registry', () => {
  it('lists connectors with unique ids', () => {
    const ids = connectors.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('finds a connector by id and returns undefined for an unknown one', () => {
    for (const connector of connectors) expect(findConnector(connector.id)).toBe(connector);
    expect(findConnector('no-such-vendor')).toBeUndefined();
  });
});
