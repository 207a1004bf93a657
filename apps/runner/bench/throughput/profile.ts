// One end-to-end run of the runner (or, with --relay, of the minimal relay), for a CPU profile:
// `BENCH_PROF=<dir> tsx bench/throughput/profile.ts [sqlite-full|sqlite-normal|redis] [seconds] [--relay]` writes
// the process's .cpuprofile into <dir>. Profiling both sides, one after the other, shows where the runner's extra
// time goes (e.g. system calls that cost more in one process because each turn holds fewer messages).
import { endToEnd, type Mode, startReceiver, startRedis, startRelay, startRunner } from './throughput.js';

const [modeArg, secondsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const mode = (modeArg ?? 'sqlite-full') as Mode;
const seconds = Number(secondsArg ?? 5);
const relay = process.argv.includes('--relay');
const receiver = await startReceiver();
const redis = mode === 'redis' ? await startRedis() : undefined;
const server = relay ? await startRelay(mode, receiver, redis) : await startRunner(mode, receiver, redis);
const result = await endToEnd(server, receiver, seconds, redis?.pid);
await server.close();
receiver.child.kill();
await redis?.close();
console.log(JSON.stringify(result));
process.exit(0);
