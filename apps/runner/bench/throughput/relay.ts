// The minimal durable relay the throughput bench measures the runner against (issue 16): the least a webhook
// relay can do and still keep what it answered 2xx for, and deliver each agent's messages in order.
//   Intake: Fastify, a token check, the message stored before the 2xx: SQLite (one better-sqlite3 insert per
//   webhook, the inserts of one event-loop turn committed together, synchronous FULL or NORMAL) or Redis (one
//   BullMQ `add` into the agent's partition queue).
//   Delivery: per-agent order, at most CONCURRENCY agents in flight (SQLite: in-memory lanes fed by the intake,
//   the row marked delivered in one transaction per turn; Redis: one BullMQ worker per partition, concurrency 1),
//   a JSON POST through undici's pool.
// No validation, no mapping, no retries beyond "try again in 100 ms", no metrics, no logs: a floor, not a product.
// Env: MODE sqlite-full | sqlite-normal | redis, TARGET (OpenConnect stand-in), TOKEN, DB (sqlite file),
// REDIS (redis://…/?prefix=), CONCURRENCY (16), PARTITIONS (16).

import Database from 'better-sqlite3';
import { Queue, Worker } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { Pool } from 'undici';

const mode = process.env.MODE ?? 'sqlite-full';
const target = new URL(process.env.TARGET!);
const token = process.env.TOKEN ?? 'relay-token';
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const partitions = Number(process.env.PARTITIONS ?? 16);
const pool = new Pool(target.origin, { connections: concurrency * 2, pipelining: 1 });

interface Event {
  id: string;
  type: string;
  agent: string;
  call: { id: string; from?: string; queue?: string };
}
/** The OpenConnect message, encoded once at intake. */
const encode = (e: Event) =>
  JSON.stringify({
    agentid: e.agent,
    jwt: 'relay-jwt',
    crmid: 'bench.example.com',
    event: 'Call Answered',
    interactionId: e.call.id,
    ani: e.call.from,
    queue: e.call.queue,
  });

async function send(body: string): Promise<boolean> {
  try {
    const res = await pool.request({
      method: 'POST',
      path: target.pathname,
      headers: { 'content-type': 'application/json' },
      body,
    });
    await res.body.dump();
    return res.statusCode >= 200 && res.statusCode < 300;
  } catch {
    return false;
  }
}

const hash = (s: string) => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h) % partitions;
};

let store: (e: Event) => Promise<void>;
let close: () => Promise<void> = async () => {};

if (mode.startsWith('sqlite')) {
  const db = new Database(process.env.DB!);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${mode === 'sqlite-full' ? 'FULL' : 'NORMAL'}`);
  db.exec(
    'CREATE TABLE IF NOT EXISTS m (id INTEGER PRIMARY KEY, agent TEXT, body TEXT, done INTEGER DEFAULT 0)',
  );
  const insert = db.prepare('INSERT INTO m (agent, body) VALUES (?, ?)');
  const markDone = db.prepare('UPDATE m SET done = 1 WHERE id = ?');
  type Item = { agent: string; body: string; id?: number; resolve(): void };
  let waiting: Item[] = [];
  const commit = db.transaction((items: Item[]) => {
    for (const item of items) item.id = Number(insert.run(item.agent, item.body).lastInsertRowid);
  });
  const lanes = new Map<string, Item[]>();
  const ready: string[] = [];
  let inFlight = 0;
  let delivered: number[] = [];
  const commitDelivered = db.transaction((ids: number[]) => {
    for (const id of ids) markDone.run(id);
  });
  const pump = () => {
    while (inFlight < concurrency && ready.length > 0) {
      const agent = ready.shift()!;
      const lane = lanes.get(agent)!;
      const item = lane[0]!;
      inFlight++;
      void send(item.body).then((ok) => {
        inFlight--;
        if (!ok) {
          setTimeout(() => {
            ready.push(agent);
            pump();
          }, 100);
          return;
        }
        lane.shift();
        if (delivered.push(item.id!) === 1)
          setImmediate(() => {
            const ids = delivered;
            delivered = [];
            commitDelivered(ids);
          });
        if (lane.length > 0) ready.push(agent);
        else lanes.delete(agent);
        pump();
      });
    }
  };
  store = (e) =>
    new Promise<void>((resolve) => {
      if (waiting.push({ agent: e.agent, body: encode(e), resolve }) === 1)
        setImmediate(() => {
          const items = waiting;
          waiting = [];
          commit(items);
          for (const item of items) {
            const lane = lanes.get(item.agent);
            if (lane) lane.push(item);
            else {
              lanes.set(item.agent, [item]);
              ready.push(item.agent);
            }
            item.resolve();
          }
          pump();
        });
    });
  close = async () => {
    db.close();
  };
} else {
  const url = new URL(process.env.REDIS!);
  const prefix = url.searchParams.get('prefix') ?? 'relay';
  url.search = '';
  const redis = new Redis(url.toString(), { maxRetriesPerRequest: null });
  const queues = Array.from(
    { length: partitions },
    (_, i) => new Queue(`p${i}`, { connection: redis, prefix }),
  );
  const workers = queues.map(
    (_, i) =>
      new Worker(
        `p${i}`,
        async (job) => {
          while (!(await send(job.data.body as string))) await new Promise((r) => setTimeout(r, 100));
        },
        { connection: redis, prefix, concurrency: 1 },
      ),
  );
  store = async (e) => {
    await queues[hash(e.agent)]!.add('m', { body: encode(e) }, { removeOnComplete: true });
  };
  close = async () => {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(queues.map((q) => q.close()));
    redis.disconnect();
  };
}

const app = Fastify({ logger: false });
app.post('/in', async (request, reply) => {
  if (request.headers['x-token'] !== token) return reply.code(401).send({ error: 'bad token' });
  await store(request.body as Event);
  return { ok: true };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address() as { port: number };
process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${address.port}` })}\n`);
process.on('SIGTERM', () => {
  void app
    .close()
    .then(close)
    .finally(() => process.exit(0));
});
