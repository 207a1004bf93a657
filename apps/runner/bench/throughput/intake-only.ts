// The intake alone (`tsx bench/throughput/intake-only.ts [sqlite-full|sqlite-normal] [seconds]`): delivery is
// paused through the admin API, so the runner only takes webhooks in and stores them; prints webhooks per second
// and the runner's CPU per webhook. BENCH_PROF profiles it; TMPDIR=/dev/shm puts the outbox file in memory, to
// tell the time the event loop waits on the disk from the CPU it spends.
import { cpuMs } from '../processes.js';
import { admin, load, type Mode, startReceiver, startRunner } from './throughput.js';

const mode = (process.argv[2] ?? 'sqlite-normal') as Mode;
const seconds = Number(process.argv[3] ?? 6);
if (mode === 'redis')
  throw new Error('intake-only.ts measures the SQLite intake: sqlite-full or sqlite-normal');
const receiver = await startReceiver();
const runner = await startRunner(mode, receiver, undefined);
try {
  const paused = await admin(runner, 'pause');
  if (!paused.ok) throw new Error(`pausing delivery failed: ${paused.status}`);
  await load(runner, 1); // JIT, sockets, pages
  const before = cpuMs(runner.child.pid!)!;
  const run = await load(runner, seconds);
  const after = cpuMs(runner.child.pid!)!;
  console.log(
    `${mode} intake alone: ${Math.round(run.accepted / seconds)} webhooks/s, ${Math.round(((after - before) * 1000) / run.accepted)} µs CPU per webhook (refused ${run.refused + run.errors})`,
  );
} finally {
  await runner.close();
  receiver.child.kill();
}
