// A/B of CPU per message, for a change to the runner (`BENCH_RUNNER_A=<other child-runner.ts> tsx
// bench/throughput/ab.ts [mode] [rounds] [seconds] [--together]`), end to end under the same load.
// - By default the two copies alternate: each round runs the pair back to back, A first in even rounds and B
//   first in odd ones, so a machine that slows down over the run does not favour one side.
// - `--together`: each round runs both at once, each with its own receiver (and its own Redis), under a load
//   of its own, so whatever the machine does meanwhile (a neighbour, a change of clock) hits both alike. The
//   two compete for the cores, so each costs more than alone, and alike. Tighter for SQLite: A/A runs (the same
//   code on both sides, 8 rounds) gave per-round ratios of 0.90–1.07 and 0.95–1.06, against 0.80–1.15
//   alternating; for Redis it stayed wide (0.94–1.24; docs/benchmarks.md, twelfth pass). It weighs CPU a
//   message, not the end-to-end rates it prints: a side that waits less (for its disk, say) takes CPU from the
//   other, so its rate gains what the other loses (fourteenth pass). Compare rates with alternating rounds.
// Prints each run, the medians, and the median of the rounds' own B/A ratios: when the machine's speed moves
// between rounds (it did, by half, within one run), the per-round ratio still compares like with like.
import { endToEnd, type Mode, startReceiver, startRedis, startRunner } from './throughput.js';
import { spread, summarise } from './stats.js';

const [modeArg, roundsArg, secondsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const mode = (modeArg ?? 'sqlite-normal') as Mode;
const rounds = Number(roundsArg ?? 3);
const seconds = Number(secondsArg ?? 4);
const together = process.argv.includes('--together');
const scripts = { A: process.env.BENCH_RUNNER_A, B: process.env.BENCH_RUNNER } as const;
type Side = keyof typeof scripts;

const newSide = async () => ({
  receiver: await startReceiver(),
  redis: mode === 'redis' ? await startRedis() : undefined,
});
const first = await newSide();
const own = { A: first, B: together ? await newSide() : first };

/** Starts side `name`'s runner: its script, and its own BENCH_NODE_FLAGS_, BENCH_RUNNER_ENV_ and BENCH_DELIVERY_. */
async function start(name: Side) {
  const script = scripts[name];
  if (script) process.env.BENCH_RUNNER = script;
  else delete process.env.BENCH_RUNNER;
  for (const setting of ['BENCH_NODE_FLAGS', 'BENCH_RUNNER_ENV', 'BENCH_DELIVERY']) {
    const value = process.env[`${setting}_${name}`];
    if (value) process.env[setting] = value;
    else delete process.env[setting];
  }
  return startRunner(mode, own[name].receiver, own[name].redis);
}
async function measure(name: Side, runner: Awaited<ReturnType<typeof start>>) {
  const { receiver, redis } = own[name];
  const r = await endToEnd(runner, receiver, seconds, redis?.pid).finally(() => runner.close());
  console.log(
    `${name} ${r.cpuUsPerMessage} µs/msg, e2e ${r.ratePerSec}/s, intake ${r.intakePerSec}/s, out of order ${r.outOfOrder}`,
  );
  return r.cpuUsPerMessage;
}

const runs: Record<Side, number[]> = { A: [], B: [] };
const ratios: number[] = [];
for (let round = 0; round < rounds; round++) {
  if (together) {
    const a = await start('A');
    const b = await start('B');
    const [ra, rb] = await Promise.all([measure('A', a), measure('B', b)]);
    runs.A.push(ra);
    runs.B.push(rb);
  } else {
    for (const name of round % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const))
      runs[name].push(await measure(name, await start(name)));
  }
  ratios.push(runs.B[round]! / runs.A[round]!);
}
const median = (xs: number[]) => summarise(xs).median;
console.log(
  `median A ${median(runs.A)} B ${median(runs.B)} → B/A ${(median(runs.B) / median(runs.A)).toFixed(3)}; ` +
    `per round B/A median ${spread(ratios, 3)}`,
);
for (const side of new Set([own.A, own.B])) {
  side.receiver.child.kill();
  await side.redis?.close();
}
process.exit(0);
