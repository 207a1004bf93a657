// A runner stand-in for the crash specs: enqueues `count` messages while delivering them to `target`,
// printing each accepted message as soon as enqueue() resolved (the moment a vendor would get its 2xx).
// The parent kills it with SIGKILL at some point; SIGTERM closes it gracefully.
import fs from 'node:fs';
import { createOutbox } from '../../../src/outbox/index.js';

const [url, target, label, countText, agentsText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const count = Number(countText);
const agents = Number(agentsText);
// writeSync: a line is out of the process before the next enqueue, so SIGKILL cannot swallow it.
const say = (line: string) => fs.writeSync(1, `${line}\n`);

const outbox = await createOutbox(url, {
  concurrency: 8,
  retry: { baseDelayMs: 20, maxDelayMs: 200, jitter: 0.5, maxAttempts: 1_000 },
  // acceptDataLoss: the shared test Redis keeps nothing on disk; this child proves crash safety, not persistence.
  redis: {
    partitions: 4,
    lockDurationMs: 1_500,
    stalledIntervalMs: 500,
    pausePollMs: 100,
    acceptDataLoss: true,
  },
});
outbox.start(async (record) => {
  try {
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: record.id, agentid: record.agentid, event: record.event }),
    });
    await res.text();
    return res.ok
      ? { ok: true, status: res.status }
      : { ok: false, retryable: true, status: res.status, error: `HTTP ${res.status}` };
  } catch (error) {
    return { ok: false, retryable: true, error: (error as Error).message };
  }
});
process.on('SIGTERM', () => {
  outbox.close().then(() => process.exit(0));
});
say('ready');

for (let i = 0; i < count; i += 5) {
  const batch = Array.from({ length: Math.min(5, count - i) }, (_, k) => {
    const n = i + k;
    return {
      connector: 'crash',
      source: 'test',
      agentid: `agent-${n % agents}`,
      event: `${label}-${n}`,
      lifecycle: 'offered' as const,
      props: { n },
    };
  });
  const { stored } = await outbox.enqueue(batch);
  for (const r of stored) say(`accepted ${r.id} ${r.agentid} ${r.event}`);
  await new Promise((r) => setTimeout(r, 3));
}
say('enqueued');
