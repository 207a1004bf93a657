// `pnpm soak`: fault runs against real runner processes, real SQLite files, a redis-server of the run's own
// and the OpenConnect emulator on loopback, each reported as events accepted / delivered / lost / duplicated
// (docs/reliability.md).
// `--quick` is the short form (about a minute; test/soak.test.ts runs it in the runner suite, so CI does).
// `--only <name>` runs one: sqlite-sigkill, sqlite-sigkill-normal, redis-replica-loss, slow-openconnect-one,
// slow-openconnect.
// Exits 1 when anything accepted was lost or copies exceed what the run's at-least-once window allows.

import type { Emulator } from '@openconnect/core/testing';
import { startEmulator } from '@openconnect/core/testing';
import { TEST_JWT } from '../test/helpers/runner.js';
import type { Figures } from './soak/figures.js';
import { redisReplicaLoss } from './soak/redis-replica-loss.js';
import { oneSlowMessage, slowOpenConnect } from './soak/slow-openconnect.js';
import { sqliteSigkill } from './soak/sqlite-sigkill.js';

export type SoakRun = (emulator: Emulator) => Promise<Figures>;

export function soakRuns(quick: boolean): Record<string, SoakRun> {
  return {
    'sqlite-sigkill': (e) =>
      sqliteSigkill(e, quick ? { kills: 3, perRound: 100 } : { kills: 20, perRound: 300 }),
    'sqlite-sigkill-normal': (e) =>
      sqliteSigkill(
        e,
        quick ? { kills: 2, perRound: 100, sync: 'normal' } : { kills: 10, perRound: 300, sync: 'normal' },
      ),
    'redis-replica-loss': (e) =>
      redisReplicaLoss(e, quick ? { kills: 1, perRound: 200 } : { kills: 6, perRound: 600 }),
    'slow-openconnect-one': (e) => oneSlowMessage(e, { slowForMs: quick ? 5_000 : 26_000 }),
    'slow-openconnect': (e) =>
      slowOpenConnect(e, quick ? { spells: 2, spellMs: 1_500 } : { spells: 10, spellMs: 5_000 }),
  };
}

/** Nothing accepted lost, and no more copies than the run's window allows. */
export const held = (f: Figures) =>
  f.lost === 0 && f.delivered === f.accepted && f.duplicated <= f.duplicateBound;

export function table(results: Figures[]): string {
  const head = '| Fault run | Accepted | Delivered | Lost | Duplicated (bound) | Not accepted | Notes |';
  const rows = results.map(
    (f) =>
      `| ${f.run} | ${f.accepted} | ${f.delivered} | ${f.lost} | ${f.duplicated} (≤ ${f.duplicateBound}) | ${f.refused} | ${Object.entries(
        f.notes,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} |`,
  );
  return [head, '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const runs = Object.entries(soakRuns(quick)).filter(([name]) => !only || name === only);
  if (runs.length === 0) {
    console.error(`no such run "${only}": ${Object.keys(soakRuns(quick)).join(', ')}`);
    process.exit(2);
  }
  const emulator = await startEmulator({ jwts: [TEST_JWT] });
  const results: Figures[] = [];
  for (const [name, run] of runs) {
    console.error(`${name}…`);
    results.push(await run(emulator));
  }
  await emulator.close();
  console.log(`${table(results)}\n\n${new Date().toISOString()}${quick ? ', --quick' : ''}`);
  process.exit(results.every(held) ? 0 : 1);
}
