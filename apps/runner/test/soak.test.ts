// The short form of `pnpm soak` (bench/soak.ts --quick), in the runner suite so CI runs it: SIGKILL loops on
// the SQLite outbox, one of two runners sharing a Redis SIGKILLed, and a slow OpenConnect (the one
// message, and spells under load), each counted as accepted / delivered / lost / duplicated.
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { soakRuns } from '../bench/soak.js';
import { TEST_JWT } from './helpers/runner.js';

describe('soak, short form', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ jwts: [TEST_JWT] });
  });
  afterAll(() => emulator.close());

  const runs = soakRuns(true);
  it.each(Object.keys(runs))(
    '%s: every accepted event delivered, copies only within the at-least-once window',
    async (name) => {
      const figures = await runs[name]!(emulator);
      expect(figures.accepted).toBeGreaterThan(0);
      expect(figures).toMatchObject({ lost: 0, delivered: figures.accepted });
      expect(figures.duplicated).toBeLessThanOrEqual(figures.duplicateBound);
    },
    120_000,
  );
});
