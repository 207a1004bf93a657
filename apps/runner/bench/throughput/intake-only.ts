// The intake alone (`tsx bench/throughput/intake-only.ts [sqlite-full|sqlite-normal] [seconds] [rounds]`): delivery
// is paused through the admin API, so the runner only takes webhooks in and stores them; the relay runs with
// delivery off, the same way. Prints webhooks per second and CPU per webhook of each, alternating. BENCH_PROF
// profiles it; TMPDIR=/dev/shm puts the outbox file in memory, to tell the time the event loop waits on the disk
// from the CPU it spends.
import { cpuMs } from '../processes.js';
import { admin, load, type Mode, startReceiver, startRelay, startRunner } from './throughput.js';

const mode = (process.argv[2] ?? 'sqlite-normal') as Mode;
const seconds = Number(process.argv[3] ?? 6);
if (mode === 'redis')
  throw new Error('intake-only.ts measures the SQLite intake: sqlite-full or sqlite-normal');
const receiver = await startReceiver();
/** Alternates the runner and the relay (delivery off: CONCURRENCY 0), `rounds` times (argv[4], default 1). */
const rounds = Number(process.argv[4] ?? 1);
try {
  for (let round = 1; round <= rounds; round++) {
    for (const who of round % 2 ? ['runner', 'relay'] : ['relay', 'runner']) {
      const server =
        who === 'runner'
          ? await startRunner(mode, receiver, undefined)
          : await startRelay(mode, receiver, undefined, { CONCURRENCY: '0' });
      try {
        if (who === 'runner') {
          const paused = await admin(server, 'pause');
          if (!paused.ok) throw new Error(`pausing delivery failed: ${paused.status}`);
        }
        await load(server, 1); // JIT, sockets, pages
        const before = cpuMs(server.child.pid!)!;
        const run = await load(server, seconds);
        const after = cpuMs(server.child.pid!)!;
        console.log(
          `${mode} ${who} intake alone: ${Math.round(run.accepted / seconds)} webhooks/s, ${Math.round(((after - before) * 1000) / run.accepted)} µs CPU per webhook (refused ${run.refused + run.errors})`,
        );
      } finally {
        await server.close();
      }
    }
  }
} finally {
  receiver.child.kill();
}
