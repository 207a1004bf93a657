// What one message costs beyond CPU time, the runner's and the relay's side by side
// (`tsx bench/throughput/anatomy.ts [sqlite-full|sqlite-normal|redis] [seconds] [rounds]`): per message
// accepted and delivered, end to end under the throughput bench's load, after a second of warm-up:
// - CPU of the server process, and of its Redis for the Redis mode;
// - system calls that read and that write, and the bytes written (/proc/<pid>/io: sockets, the log pipe, the
//   SQLite file and its WAL);
// - Redis: the commands it ran (INFO commandstats, commands inside scripts included), the ten most frequent.
// Linux only (/proc). The machine's speed moves between minutes: the counts are steady, the times are not.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { cpuMs } from '../processes.js';
import { load, type Mode, startReceiver, startRedis, startRelay, startRunner } from './throughput.js';

const mode = (process.argv[2] ?? 'sqlite-normal') as Mode;
const seconds = Number(process.argv[3] ?? 4);
const rounds = Number(process.argv[4] ?? 1);

/** The counters of /proc/<pid>/io that say how a process reads and writes. */
function io(pid: number) {
  const fields = new Map(
    fs
      .readFileSync(`/proc/${pid}/io`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(': ') as [string, string]),
  );
  return {
    reads: Number(fields.get('syscr')),
    writes: Number(fields.get('syscw')),
    bytes: Number(fields.get('wchar')),
  };
}

/** Calls per command name since the last CONFIG RESETSTAT. */
function commandStats(port: string) {
  const text = execFileSync('redis-cli', ['-p', port, 'info', 'commandstats'], { encoding: 'utf8' });
  const calls = new Map<string, number>();
  for (const match of text.matchAll(/cmdstat_(\S+):calls=(\d+)/g)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

const receiver = await startReceiver();
const redis = mode === 'redis' ? await startRedis() : undefined;
const port = redis ? new URL(redis.url).port : '';
try {
  for (let round = 1; round <= rounds; round++) {
    for (const who of round % 2 ? ['runner', 'relay'] : ['relay', 'runner']) {
      const server =
        who === 'runner' ? await startRunner(mode, receiver, redis) : await startRelay(mode, receiver, redis);
      try {
        await receiver.reset();
        const warm = await load(server, 1);
        await receiver.waitFor(warm.accepted);
        await receiver.reset();
        const pid = server.child.pid!;
        if (redis) execFileSync('redis-cli', ['-p', port, 'config', 'resetstat']);
        const before = { io: io(pid), cpu: cpuMs(pid)!, redis: cpuMs(redis?.pid) ?? 0 };
        const run = await load(server, seconds);
        await receiver.waitFor(run.accepted);
        const after = { io: io(pid), cpu: cpuMs(pid)!, redis: cpuMs(redis?.pid) ?? 0 };
        const per = (n: number) => (n / run.accepted).toFixed(2);
        const µs = (ms: number) => Math.round((ms * 1000) / run.accepted);
        const cpu = `CPU ${µs(after.cpu - before.cpu)} µs${redis ? ` + Redis ${µs(after.redis - before.redis)} µs` : ''}`;
        console.log(
          `${mode} ${who}: ${run.accepted} messages; per message: ${cpu}; ` +
            `reads ${per(after.io.reads - before.io.reads)}, writes ${per(after.io.writes - before.io.writes)}, ` +
            `${Math.round((after.io.bytes - before.io.bytes) / run.accepted)} bytes written`,
        );
        if (redis) {
          const top = [...commandStats(port)]
            .filter(([name]) => name !== 'config' && name !== 'info')
            .sort((a, b) => b[1] - a[1]);
          const total = top.reduce((sum, [, calls]) => sum + calls, 0);
          console.log(
            `  Redis commands per message: ${per(total)}; ${top
              .slice(0, Number(process.env.BENCH_TOP ?? 10))
              .map(([name, calls]) => `${name} ${per(calls)}`)
              .join(', ')}`,
          );
        }
      } finally {
        await server.close();
        await redis?.quiesce();
      }
    }
  }
} finally {
  receiver.child.kill();
  await redis?.close();
}
process.exit(0);
