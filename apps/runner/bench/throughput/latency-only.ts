// Figure 4 alone (`tsx bench/throughput/latency-only.ts [sqlite-full|redis ...]`): the latency the runner adds
// at 200 webhooks/s, open loop, against direct sends in the same run.
import { latency, type Mode, startReceiver, startRedis, startRunner } from './throughput.js';

const modes = (process.argv.slice(2).length ? process.argv.slice(2) : ['sqlite-full', 'redis']) as Mode[];
const receiver = await startReceiver();
const redis = await startRedis();
const direct = await latency(receiver, receiver);
console.log('direct', JSON.stringify(direct));
for (const mode of modes) {
  const runner = await startRunner(mode, receiver, redis);
  // BENCH_LATENCY_WARM_S: seconds of load the runner takes first, drained before timing (0: a fresh runner).
  const warm = Number(process.env.BENCH_LATENCY_WARM_S ?? 0);
  const ours = await latency(runner, receiver, 200, 5, warm).finally(() => runner.close());
  console.log(mode, JSON.stringify(ours), `added p99 ${(ours.p99 - direct.p99).toFixed(2)} ms`);
}
receiver.child.kill();
await redis.close();
process.exit(0);
