// What a deployment gets when the host passes no services: the connector's setup builds them.
import { describe, expect, it } from 'vitest';
import connector, { config } from '../src/index.js';

describe('Cisco setup', () => {
  it("builds services with the host's clock and a per-key queue", async () => {
    const services = connector.setup?.(config.parse({}));
    const before = Date.now();
    const now = services?.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(await services?.serial('task:1', async () => 'ran')).toBe('ran');
  });
});
