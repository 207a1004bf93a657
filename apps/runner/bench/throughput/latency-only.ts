// Figure 4 alone (`tsx bench/throughput/latency-only.ts [sqlite-full|sqlite-normal|redis ...] [--relay]`): the
// latency the runner adds at 200 webhooks/s, open loop, against direct sends in the same run, and what a message
// costs its process at that rate. `--relay`: the minimal relay measured the same way after each runner, for the
// CPU a message at a rate where nothing is batched (the runner README's sizing figure).
import {
  latency,
  latencyCpu,
  type Mode,
  startReceiver,
  startRedis,
  startRelay,
  startRunner,
} from './throughput.js';

const args = process.argv.slice(2);
const withRelay = args.includes('--relay');
const named = args.filter((a) => a !== '--relay');
const modes = (named.length ? named : ['sqlite-full', 'redis']) as Mode[];
const receiver = await startReceiver();
const redis = await startRedis();
const direct = await latency(receiver, receiver);
console.log('direct', JSON.stringify(direct));
for (const mode of modes) {
  const runner = await startRunner(mode, receiver, redis);
  // BENCH_LATENCY_WARM_S: seconds of load the runner takes first, drained before timing (0: a fresh runner).
  const warm = Number(process.env.BENCH_LATENCY_WARM_S ?? 0);
  const ours = await latency(runner, receiver, 200, 5, warm).finally(() => runner.close());
  console.log(
    mode,
    JSON.stringify(ours),
    `added p99 ${(ours.p99 - direct.p99).toFixed(2)} ms${latencyCpu(ours)}`,
  );
  if (withRelay) {
    const relay = await startRelay(mode, receiver, mode === 'redis' ? redis : undefined);
    const theirs = await latency(relay, receiver, 200, 5, warm).finally(() => relay.close());
    console.log(
      `${mode} relay`,
      JSON.stringify(theirs),
      `added p99 ${(theirs.p99 - direct.p99).toFixed(2)} ms${latencyCpu(theirs)}`,
    );
  }
}
receiver.child.kill();
await redis.close();
process.exit(0);
