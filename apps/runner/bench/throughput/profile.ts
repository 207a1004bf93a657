// One end-to-end run of the runner, for a CPU profile: `BENCH_PROF=<dir> tsx bench/throughput/profile.ts
// [sqlite-full|sqlite-normal|redis] [seconds]` writes the runner process's .cpuprofile into <dir>.
import { endToEnd, type Mode, startReceiver, startRedis, startRunner } from './throughput.js';

const mode = (process.argv[2] ?? 'sqlite-full') as Mode;
const seconds = Number(process.argv[3] ?? 5);
const receiver = await startReceiver();
const redis = mode === 'redis' ? await startRedis() : undefined;
const runner = await startRunner(mode, receiver, redis);
const result = await endToEnd(runner, receiver, seconds, redis?.pid);
await runner.close();
receiver.child.kill();
await redis?.close();
console.log(JSON.stringify(result));
process.exit(0);
