// The SQLite outbox alone (no HTTP): enqueue and deliver N messages with a deliver that answers at once, in turns
// of 32 webhooks as under load; prints CPU µs per message. `tsx bench/throughput/outbox-micro.ts [n] [normal|full]`
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteOutbox } from '../../src/outbox/sqlite.js';

const n = Number(process.argv[2] ?? 50_000);
const sync = (process.argv[3] ?? 'normal') as 'normal' | 'full';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-micro-'));
const outbox = openSqliteOutbox(path.join(dir, 'o.db'), { sqlite: { synchronous: sync, commitWindowMs: 1 } });
let delivered = 0;
let done!: () => void;
const all = new Promise<void>((r) => (done = r));
outbox.start(async () => {
  await new Promise((r) => setImmediate(r));
  if (++delivered === n) done();
  return { ok: true, status: 200 };
});
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < n; i += 32) {
  await Promise.all(
    Array.from({ length: Math.min(32, n - i) }, (_, j) =>
      outbox.enqueue([
        {
          connector: 'acme',
          source: 'events',
          agentid: `agent-${(i + j) % 256}`,
          event: 'Call Answered',
          lifecycle: 'answered',
          props: {
            interactionId: String(i + j),
            ani: '+15555550100',
            queue: 'Support',
            lifecycle: 'answered',
          },
          dedupeKey: `acme/events/evt-${i + j}`,
        },
      ]),
    ),
  );
}
await all;
const c = process.cpuUsage(cpu0);
console.log(
  `${n} messages: ${((c.user + c.system) / n).toFixed(1)} µs CPU per message, ${Math.round(n / ((performance.now() - t0) / 1000))}/s`,
);
await outbox.close();
fs.rmSync(dir, { recursive: true, force: true });
