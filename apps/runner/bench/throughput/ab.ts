// A/B of CPU per message, for a change to the runner (`BENCH_RUNNER_A=<other child-runner.ts> tsx
// bench/throughput/ab.ts [mode] [rounds] [seconds]`): the other copy and this one alternate, end to end under
// the same load, so a neighbour's load hits both alike. Each round runs the pair back to back, A first in even
// rounds and B first in odd ones, so a machine that slows down over the run does not favour one side. Prints
// each run, the medians, and the median of the rounds' own B/A ratios: when the machine's speed moves between
// rounds (it did, by half, within one run), the per-round ratio still compares like with like.
import { endToEnd, type Mode, startReceiver, startRedis, startRunner } from './throughput.js';

const mode = (process.argv[2] ?? 'sqlite-normal') as Mode;
const rounds = Number(process.argv[3] ?? 3);
const seconds = Number(process.argv[4] ?? 4);
const other = process.env.BENCH_RUNNER_A;
const here = process.env.BENCH_RUNNER;
const receiver = await startReceiver();
const redis = mode === 'redis' ? await startRedis() : undefined;
const runs: Record<string, number[]> = { A: [], B: [] };
const ratios: number[] = [];
for (let round = 0; round < rounds; round++) {
  const pair = [
    ['A', other],
    ['B', here],
  ] as const;
  for (const [name, script] of round % 2 === 0 ? pair : [...pair].reverse()) {
    if (script) process.env.BENCH_RUNNER = script;
    else delete process.env.BENCH_RUNNER;
    // BENCH_NODE_FLAGS_A / _B, BENCH_RUNNER_ENV_A / _B and BENCH_DELIVERY_A / _B: Node flags, environment or
    // delivery settings for one side only.
    for (const setting of ['BENCH_NODE_FLAGS', 'BENCH_RUNNER_ENV', 'BENCH_DELIVERY']) {
      const value = process.env[`${setting}_${name}`];
      if (value) process.env[setting] = value;
      else delete process.env[setting];
    }
    const runner = await startRunner(mode, receiver, redis);
    const r = await endToEnd(runner, receiver, seconds, redis?.pid).finally(() => runner.close());
    runs[name]!.push(r.cpuUsPerMessage);
    console.log(
      `${name} ${r.cpuUsPerMessage} µs/msg, e2e ${r.ratePerSec}/s, intake ${r.intakePerSec}/s, out of order ${r.outOfOrder}`,
    );
  }
  ratios.push(runs.B![round]! / runs.A![round]!);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sorted = [...ratios].sort((a, b) => a - b);
console.log(
  `median A ${median(runs.A!)} B ${median(runs.B!)} → B/A ${(median(runs.B!) / median(runs.A!)).toFixed(3)}; ` +
    `per round B/A median ${median(ratios).toFixed(3)} (${sorted[0]!.toFixed(3)}–${sorted.at(-1)!.toFixed(3)})`,
);
receiver.child.kill();
await redis?.close();
process.exit(0);
