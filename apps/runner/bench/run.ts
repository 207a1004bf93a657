// `pnpm bench`: (a) webhook intake of the runner (sqlite outbox with synchronous FULL, then NORMAL;
// deliveries running, then paused) against a bare Fastify handler, same machine, same load tool; (b) outbox drain vs direct sends; (c) RSS with a large
// backlog; (d) events through held vendor sessions (subscriptions) against the same events as webhooks; (e) the
// throughput figures (bench/throughput/throughput.ts). Loopback only; each load is a few seconds. `--quick`
// shrinks (b), (c) and (e).
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@openconnect/core/testing';
import autocannon from 'autocannon';
import { ACME_SECRET } from '../test/helpers/acme.js';
import { BENCH_ADMIN, BENCH_JWT, cpuMs, spawnServer, writeRunnerConfig } from './processes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
// --intake-only: just (a), e.g. to compare a change to the intake path before and after.
const intakeOnly = process.argv.includes('--intake-only');
const DURATION_S = 5;
const CONNECTIONS = 32;
const JWT = BENCH_JWT;
const ADMIN = BENCH_ADMIN;

// CPU per request of the server process is far steadier than req/s on a shared machine: use it to compare
// a change to the intake path (the whole process: deliveries running in it are counted too).
async function intake(url: string, pid?: number) {
  let seq = 0;
  const run = (duration: number) =>
    autocannon({
      url: `${url}/webhooks/acme/events`,
      connections: CONNECTIONS,
      duration,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            seq += 1;
            const body = JSON.stringify({
              id: `evt-${seq}`,
              type: 'call.answered',
              agent: `agent-${seq % 200}`,
              call: { id: `CA-${seq}`, from: '+15550100', queue: 'Support' },
            });
            const signature = createHmac('sha256', ACME_SECRET).update(body).digest('hex');
            return {
              ...req,
              body,
              headers: { 'content-type': 'application/json', 'x-acme-signature': signature },
            };
          },
        },
      ],
    });
  await run(1); // warm-up: JIT, connections, sqlite pages
  const cpuBefore = cpuMs(pid);
  const result = await run(DURATION_S);
  const cpuAfter = cpuMs(pid);
  return {
    cpuUsPerRequest:
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : Math.round(((cpuAfter - cpuBefore) * 1000) / result.requests.total),
    rps: Math.round(result.requests.average),
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' ')}`;
console.log(`machine: ${machine}`);

// (a) intake
const emulator = await startEmulator({ jwts: [JWT] });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-bench-'));
const config = writeRunnerConfig(dir, emulator.endpoint);
const bare = await spawnServer(path.join(here, 'bare-server.ts'), {});
const baseline = await intake(bare.url, bare.child.pid);
bare.child.kill('SIGTERM');
// The runner logs one line per request at info: sent to /dev/null here, but still serialised.
// Measured with the default synchronous=FULL (fsync before each 2xx) and with OUTBOX_SYNC=normal.
async function runnerIntake(sync: 'full' | 'normal') {
  // BENCH_RUNNER: another entry to measure (e.g. an older copy of src/ with its own child-runner.ts).
  const entry = process.env.BENCH_RUNNER ?? path.join(here, '..', 'test', 'helpers', 'child-runner.ts');
  const runner = await spawnServer(entry, {
    CONFIG: config,
    OUTBOX: `sqlite:${path.join(dir, `outbox-${sync}.db`)}`,
    OUTBOX_SYNC: sync,
    ADMIN_TOKEN: ADMIN,
  });
  const delivering = await intake(runner.url, runner.child.pid);
  // The same with delivery paused: what intake costs alone, without the sends competing for the CPU.
  await fetch(`${runner.url}/admin/pause`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
  const paused = await intake(runner.url, runner.child.pid);
  runner.child.kill('SIGTERM');
  await new Promise((r) => runner.child.once('exit', r));
  return { delivering, paused };
}
const full = await runnerIntake('full');
const normal = await runnerIntake('normal');
await emulator.close();
fs.rmSync(dir, { recursive: true, force: true });
const line = (name: string, r: typeof full.delivering) =>
  `${name} ${r.rps} req/s p99 ${r.p99} ms, CPU ${r.cpuUsPerRequest ?? '?'} µs/request (non-2xx ${r.non2xx}, errors ${r.errors}) → ratio ${(r.rps / baseline.rps).toFixed(2)} (aim ≥ 0.7)`;
console.log(
  `intake  bare Fastify ${baseline.rps} req/s p99 ${baseline.p99} ms, CPU ${baseline.cpuUsPerRequest ?? '?'} µs/request (${CONNECTIONS} connections, ${DURATION_S} s)`,
);
console.log(`intake  ${line('runner FULL, delivering meanwhile:', full.delivering)}`);
console.log(`intake  ${line('runner FULL, delivery paused:', full.paused)}`);
console.log(`intake  ${line('runner OUTBOX_SYNC=normal, delivering meanwhile:', normal.delivering)}`);
console.log(`intake  ${line('runner OUTBOX_SYNC=normal, delivery paused:', normal.paused)}`);
console.log(
  `load average after intake: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

// (e) issue 16's figures: end-to-end rate and CPU per message against a minimal durable relay, replicas on
// Redis, screen-pop latency at 200/s (bench/throughput/).
if (!intakeOnly && !process.argv.includes('--no-throughput')) {
  const { benchThroughput } = await import('./throughput/throughput.js');
  await benchThroughput({ quick });
}

// (d) subscriptions beside webhooks, in one runner.
if (!intakeOnly) {
  const subs = await import('./subscriptions.js');
  const paced = quick ? 300 : 1_000;
  for (const bench of subs.benches) {
    const result = await bench.run({ n: quick ? 2_000 : 10_000, paced, ratePerSec: 200 });
    for (const text of subs.describeBench(bench.name, result, paced, 200)) console.log(text);
  }
}

// (b) and (c): the outbox's own benchmarks.
const outboxBench = intakeOnly ? undefined : await import('./outbox.js').catch(() => undefined);
if (outboxBench) {
  const drain = await outboxBench.benchDrain({ n: quick ? 2_000 : 10_000 });
  console.log(
    `drain   ${drain.n} msgs, ${drain.concurrency} in flight: outbox ${drain.outboxPerSec}/s vs direct ${drain.rawPerSec}/s → ratio ${drain.ratio} (aim ≥ 0.8)`,
  );
  const backlog = await outboxBench.benchBacklog({ n: quick ? 100_000 : 1_000_000 });
  console.log(
    `backlog ${backlog.n} msgs waiting: RSS ${backlog.rssMb.at10} / ${backlog.rssMb.at50} / ${backlog.rssMb.at100} MB at 10/50/100% (growth ${backlog.growthMb} MB), file ${backlog.fileMb} MB, stored ${backlog.enqueuePerSec}/s`,
  );
}
