// Issue 16's figures, each measured against its baseline in the same run (`tsx bench/throughput/throughput.ts
// [--quick] [--rounds n]`, or through `pnpm bench`; with more than one round per mode, a summary line gives the
// median of the rounds' own ratios and their range):
//   1. end-to-end rate: webhooks in until every accepted one reached the receiver, runner vs the minimal durable
//      relay (relay.ts), for SQLite FULL, SQLite NORMAL and Redis;                               aim ≥ 0.6×
//   2. CPU per message accepted and delivered (the server process, plus its Redis), same runs;  aim ≤ 2.5×
//   3. replicas: two runners on one Redis against one, receiver answering after 50 ms;         aim ≥ 1.8×
//   4. screen-pop latency the runner adds at 200 webhooks/s, open loop, against direct sends:
//      p99 ≤ 10 ms (SQLite FULL), ≤ 20 ms (Redis); the line also shows how long the vendor waited for its 2xx
// The receiver (receiver.ts, its own process) counts, checks each agent's order and times the probes.
// Everything on loopback; the Redis is the bench's own (append-only file, as the runner requires), on a
// free port, removed afterwards.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { ACME_SECRET } from '../../test/helpers/acme.js';
import { BENCH_ADMIN, BENCH_JWT, cpuMs, spawnServer, stop, writeRunnerConfig } from '../processes.js';
import { spread } from './stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD_RUNNER = path.join(here, '..', '..', 'test', 'helpers', 'child-runner.ts');
const JWT = BENCH_JWT;
const TOKEN = 'relay-token-0123456789';
const ADMIN = BENCH_ADMIN;
const AGENTS = 200;
const AGENTS_PER_CONNECTION = 8;

export type Mode = 'sqlite-full' | 'sqlite-normal' | 'redis';
export const MODE_NAMES: Record<Mode, string> = {
  'sqlite-full': 'SQLite FULL',
  'sqlite-normal': 'SQLite NORMAL',
  redis: 'Redis',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

// --- the parts: receiver, Redis, the servers under test ------------------------------------------------

interface ReceiverStats {
  count: number;
  outOfOrder: number;
  maxInFlight: number;
  firstAt: number;
  lastAt: number;
}
export async function startReceiver() {
  const { url, child } = await spawnServer(path.join(here, 'receiver.ts'), {}, { quiet: true });
  const get = async <T>(p: string) => (await (await fetch(`${url}${p}`)).json()) as T;
  return {
    url,
    child,
    stats: () => get<ReceiverStats>('/stats'),
    arrivals: () => get<Record<string, number>>('/arrivals'),
    reset: async (delayMs = 0) => {
      await fetch(`${url}/reset?delay=${delayMs}`, { method: 'POST' });
    },
    /** Resolves once `count` messages arrived; throws after `timeoutMs`. */
    async waitFor(count: number, timeoutMs = 120_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const stats = await get<ReceiverStats>('/stats');
        if (stats.count >= count) return stats;
        if (Date.now() > until)
          throw new Error(`the receiver got ${stats.count} of ${count} messages in ${timeoutMs} ms`);
        await sleep(20);
      }
    },
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** A Redis of the bench's own, persisting like the runner demands (AOF, fsync every second). */
export async function startRedis() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100) throw new Error('redis-server did not start (is it installed?)');
    await sleep(50);
  }
  const url = `redis://127.0.0.1:${port}/0`;
  return {
    url,
    pid: child.pid,
    /** Empties it (the phases before leave their prefixes) and waits out an AOF rewrite they set off. */
    async quiesce() {
      const redis = new Redis(url);
      try {
        await redis.flushall();
        while (/aof_rewrite_(in_progress|scheduled):1/.test(await redis.info('persistence')))
          await sleep(100);
      } finally {
        redis.disconnect();
      }
    },
    async close() {
      await stop(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
type OwnRedis = Awaited<ReturnType<typeof startRedis>>;

interface Server {
  url: string;
  child: ChildProcess;
  /** Where webhooks go, and how each is signed. */
  path: string;
  headers(body: string): Record<string, string>;
}

let prefixes = 0;
const freshPrefix = () => `bench${process.pid}x${++prefixes}`;

export async function startRunner(
  mode: Mode,
  receiver: Receiver,
  redis: OwnRedis | undefined,
  prefix = freshPrefix(),
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-runner-'));
  // BENCH_DELIVERY (JSON): delivery settings to try, e.g. '{"redis":{"partitions":16}}'.
  const config = writeRunnerConfig(
    dir,
    `${receiver.url}/api/sendmessage/CRM`,
    JSON.parse(process.env.BENCH_DELIVERY ?? '{}'),
  );
  const outbox =
    mode === 'redis' ? `${redis!.url}?prefix=${prefix}` : `sqlite:${path.join(dir, 'outbox.db')}`;
  const env: Record<string, string> = {
    ADMIN_TOKEN: ADMIN,
    CONFIG: config,
    OUTBOX: outbox,
    ...(mode === 'sqlite-normal' ? { OUTBOX_SYNC: 'normal' } : {}),
    // BENCH_RUNNER_ENV (JSON): more of the runner's environment, to try a setting (e.g. '{"LOG_LEVEL":"warn"}').
    ...(JSON.parse(process.env.BENCH_RUNNER_ENV ?? '{}') as Record<string, string>),
  };
  const { url, child } = await spawnServer(process.env.BENCH_RUNNER ?? CHILD_RUNNER, env, { quiet: true });
  const server: Server = {
    url,
    child,
    path: '/webhooks/acme/events',
    headers: (body) => ({
      'content-type': 'application/json',
      'x-acme-signature': createHmac('sha256', ACME_SECRET).update(body).digest('hex'),
    }),
  };
  return {
    ...server,
    async close() {
      await stop(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startRelay(
  mode: Mode,
  receiver: Receiver,
  redis: OwnRedis | undefined,
  more: Record<string, string> = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-relay-'));
  const { url, child } = await spawnServer(path.join(here, 'relay.ts'), {
    ...more,
    MODE: mode,
    TARGET: `${receiver.url}/api/sendmessage/CRM`,
    TOKEN,
    DB: path.join(dir, 'relay.db'),
    ...(redis ? { REDIS: `${redis.url}?prefix=${freshPrefix()}` } : {}),
  });
  const server: Server = {
    url,
    child,
    path: '/in',
    headers: () => ({ 'content-type': 'application/json', 'x-token': TOKEN }),
  };
  return {
    ...server,
    async close() {
      await stop(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- load -------------------------------------------------------------------------------------------

let seq = 0;
let connectionsSeen = 0;
/**
 * A webhook as the acme test vendor sends it; `call.id` numbers it. `connection`: the load's client sending it
 * (each has agents of its own and sends one webhook after another, so an agent's numbers grow in the order the
 * server accepts them, which is the order the receiver must see); without it, an agent of the shared set.
 */
function event(probe = false, connection?: number) {
  seq += 1;
  const agent =
    connection === undefined ? `agent-${seq % AGENTS}` : `agent-${connection}-${seq % AGENTS_PER_CONNECTION}`;
  return JSON.stringify({
    id: `evt-${process.pid}-${seq}`,
    type: 'call.answered',
    agent,
    call: { id: `${probe ? 'L' : ''}${seq}`, from: '+15555550100', queue: 'Support' },
  });
}

/**
 * Closed loop: `connections` clients sending one webhook after another for `seconds` (BENCH_CONNECTIONS: another
 * count, to see whether a rate is bound by the time each request takes rather than by CPU).
 */
export async function load(
  server: Server,
  seconds: number,
  connections = Number(process.env.BENCH_CONNECTIONS ?? 32),
) {
  const result = await autocannon({
    url: `${server.url}${server.path}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req, context: { connection?: number }) => {
          context.connection ??= ++connectionsSeen;
          const body = event(false, context.connection);
          return { ...req, body, headers: server.headers(body) };
        },
      },
    ],
  });
  return { accepted: result['2xx'], refused: result.non2xx, errors: result.errors };
}

// --- 1 and 2: end-to-end rate and CPU per message ------------------------------------------------------

export interface EndToEnd {
  accepted: number;
  /** Accepted messages per second, from the first webhook until the last one reached the receiver. */
  ratePerSec: number;
  /** Webhooks accepted per second while the load ran. */
  intakePerSec: number;
  /** Accepted but not yet delivered when the load stopped. */
  backlogAtEnd: number;
  /** CPU (user + system) of the server process and its Redis, per message accepted and delivered. */
  cpuUsPerMessage: number;
  /**
   * The server process's own CPU over the same time, in cores (all its threads, Redis left out). Near 1, its
   * main thread had no time to spare, and the rate is then about the inverse of its CPU per message.
   */
  busyCores: number;
  outOfOrder: number;
  refused: number;
}

export async function endToEnd(
  server: Server,
  receiver: Receiver,
  seconds: number,
  redisPid?: number,
): Promise<EndToEnd> {
  const pids = [server.child.pid, redisPid].filter((p): p is number => p !== undefined);
  const cpu = () => pids.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0);
  const own = () => cpuMs(server.child.pid) ?? 0;
  await receiver.reset();
  const warm = await load(server, 1); // JIT, sockets, pages
  await receiver.waitFor(warm.accepted);
  await receiver.reset();
  const cpuBefore = cpu();
  const ownBefore = own();
  const startedAt = now();
  const run = await load(server, seconds);
  const atEnd = await receiver.stats();
  const done = await receiver.waitFor(run.accepted);
  const cpuAfter = cpu();
  const ownAfter = own();
  const endedAt = now();
  return {
    accepted: run.accepted,
    ratePerSec: Math.round(run.accepted / ((done.lastAt - startedAt) / 1000)),
    intakePerSec: Math.round(run.accepted / seconds),
    backlogAtEnd: run.accepted - atEnd.count,
    cpuUsPerMessage: Math.round(((cpuAfter - cpuBefore) * 1000) / run.accepted),
    busyCores: Math.round((100 * (ownAfter - ownBefore)) / (endedAt - startedAt)) / 100,
    outOfOrder: done.outOfOrder,
    refused: run.refused + run.errors,
  };
}

// --- 3: replicas ---------------------------------------------------------------------------------------

export interface ReplicaRun {
  replicas: number;
  /** Messages the receiver got per second while the replicas drained the backlog. */
  deliveredPerSec: number;
  /** Most requests the receiver held at once: the cluster's messages in flight. */
  maxInFlight: number;
  outOfOrder: number;
}

/** Pauses or resumes delivery through the runner's admin API (the pause is shared by replicas on one Redis). */
export const admin = (server: Server, action: 'pause' | 'resume') =>
  fetch(`${server.url}/admin/${action}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });

/**
 * `replicas` runners on one Redis prefix against a receiver that answers after `delayMs`: a backlog of `n` is
 * taken in while delivery is paused (the pause is shared), then delivery resumes and the drain is timed, so
 * the intake's CPU does not compete with the deliveries being measured.
 */
export async function replicaRun(
  replicas: number,
  receiver: Receiver,
  redis: OwnRedis,
  n = 2_000,
  delayMs = 50,
): Promise<ReplicaRun> {
  const prefix = freshPrefix();
  const runners = [];
  for (let i = 0; i < replicas; i++) runners.push(await startRunner('redis', receiver, redis, prefix));
  try {
    await receiver.reset(delayMs);
    await admin(runners[0]!, 'pause');
    await sleep(1_500); // every replica has seen the shared pause (each polls it every 500 ms)
    let accepted = 0;
    while (accepted < n) {
      const loads = await Promise.all(runners.map((r) => load(r, 1, 8)));
      accepted += loads.reduce((sum, l) => sum + l.accepted, 0);
    }
    await sleep(3_000); // the partitions are split (heartbeats every 2 s)
    const from = await receiver.stats();
    const fromAt = now();
    await admin(runners[0]!, 'resume');
    const to = await receiver.waitFor(accepted);
    return {
      replicas,
      deliveredPerSec: Math.round((to.count - from.count) / ((to.lastAt - fromAt) / 1000)),
      maxInFlight: to.maxInFlight,
      outOfOrder: to.outOfOrder,
    };
  } finally {
    await Promise.all(runners.map((r) => r.close()));
    await receiver.reset();
  }
}

// --- 4: screen-pop latency, open loop ------------------------------------------------------------------

export interface Latency {
  p50: number;
  p99: number;
  max: number;
  lost: number;
  /** Until the answer came back (for a runner, the 2xx its vendor waits for; the rest is the delivery). */
  answerP50: number;
  answerP99: number;
  /**
   * A server's own process (Redis's share left out): CPU per probe over the timed part, from its start until the
   * last probe arrived, and the same as a share of one core. Absent for direct sends.
   */
  cpuUsPerMessage?: number;
  busyCores?: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

/**
 * `rate` probes a second for `seconds`, sent on schedule whatever the answers (open loop), each timed from the
 * moment it is written to the moment the receiver has it. `target`: a server (webhooks) or the receiver itself
 * (direct sends, shaped as OpenConnect messages).
 */
export async function latency(
  target: Server | Receiver,
  receiver: Receiver,
  rate = 200,
  seconds = 5,
  warmSeconds = 0,
): Promise<Latency> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const direct = !('path' in target);
  const url = new URL(
    direct ? `${target.url}/api/sendmessage/CRM` : `${target.url}${(target as Server).path}`,
  );
  const sentAt = new Map<number, number>();
  const answerMs: number[] = [];
  const post = (body: string, headers: Record<string, string>) =>
    new Promise<void>((resolve) => {
      const at = now();
      const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          answerMs.push(now() - at);
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end(body);
    });
  const one = () => {
    const body = event(true);
    const n = seq;
    const parsed = JSON.parse(body) as { agent: string; call: { id: string } };
    const payload = direct
      ? JSON.stringify({
          agentid: parsed.agent,
          jwt: JWT,
          crmid: 'bench.example.com',
          event: 'Call Answered',
          interactionId: parsed.call.id,
        })
      : body;
    sentAt.set(n, now());
    return post(
      payload,
      direct ? { 'content-type': 'application/json' } : (target as Server).headers(payload),
    );
  };
  // Warm-up at the same rate, not timed.
  const schedule = async (count: number, timed: boolean) => {
    const pending: Promise<void>[] = [];
    const started = now();
    let sent = 0;
    while (sent < count) {
      const due = Math.min(count, Math.floor(((now() - started) / 1000) * rate) + 1);
      for (; sent < due; sent++) pending.push(one());
      await sleep(1);
    }
    await Promise.all(pending);
    if (!timed) {
      sentAt.clear();
      answerMs.length = 0;
    }
  };
  await receiver.reset();
  // warmSeconds: closed-loop load first (drained before timing), so the runner's code is as V8 has compiled it
  // after a few thousand webhooks, as in a runner that has been up for a while, not the first few hundred (on a
  // slow machine, a fresh runner spent about five times the CPU per webhook at 50/s as under sustained load).
  if (!direct && warmSeconds > 0) {
    const warm = await load(target as Server, warmSeconds);
    await receiver.waitFor(warm.accepted);
    await receiver.reset();
  }
  await schedule(rate, false);
  await receiver.waitFor(rate);
  await receiver.reset();
  const pid = direct ? undefined : (target as Server).child.pid;
  const cpuBefore = cpuMs(pid);
  const timedFrom = now();
  await schedule(rate * seconds, true);
  try {
    await receiver.waitFor(rate * seconds, 30_000);
  } catch {
    // counted as lost below
  }
  const cpuAfter = cpuMs(pid);
  const timedMs = now() - timedFrom;
  const arrivals = await receiver.arrivals();
  agent.destroy();
  const times: number[] = [];
  for (const [n, at] of sentAt) {
    const arrived = arrivals[n];
    if (arrived !== undefined) times.push(arrived - at);
  }
  times.sort((a, b) => a - b);
  answerMs.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    p50: round(percentile(times, 50)),
    p99: round(percentile(times, 99)),
    max: round(times.at(-1)!),
    lost: sentAt.size - times.length,
    answerP50: round(percentile(answerMs, 50)),
    answerP99: round(percentile(answerMs, 99)),
    ...(cpuBefore !== undefined && cpuAfter !== undefined
      ? {
          cpuUsPerMessage: Math.round(((cpuAfter - cpuBefore) * 1000) / (rate * seconds)),
          busyCores: Math.round(((cpuAfter - cpuBefore) / timedMs) * 100) / 100,
        }
      : {}),
  };
}

/** ", its process 1,520 µs a message (0.30 of a core)" when the CPU was read; nothing otherwise. */
export const latencyCpu = (l: Latency) =>
  l.cpuUsPerMessage === undefined
    ? ''
    : `; its process ${l.cpuUsPerMessage} µs a message (${l.busyCores} of a core)`;

// --- the whole bench ---------------------------------------------------------------------------------

const ratio = (a: number, b: number) => (a / b).toFixed(2);

/**
 * The share of the machine's CPU time its hypervisor took (steal, from /proc/stat) since the meter was made:
 * a virtual machine's neighbours show here, and a figure taken while it is high measures them as well.
 */
function stealMeter() {
  const read = () => {
    try {
      const fields = fs
        .readFileSync('/proc/stat', 'utf8')
        .split('\n')[0]!
        .trim()
        .split(/\s+/)
        .slice(1)
        .map(Number);
      return { steal: fields[7] ?? 0, total: fields.reduce((sum, n) => sum + n, 0) };
    } catch {
      return undefined; // not Linux
    }
  };
  const start = read();
  return () => {
    const end = read();
    if (!start || !end || end.total <= start.total) return 'steal n/a';
    return `steal ${(((end.steal - start.steal) / (end.total - start.total)) * 100).toFixed(0)} %`;
  };
}

/**
 * Lets the machine settle after the phases before: the bench's Redis emptied and out of the AOF rewrite their
 * writes set off (a forked child rewriting the file), and the disk caught up with hundreds of MB of SQLite
 * files and AOF. Otherwise their work lands in the next phase (its fsyncs, its CPU), and a latency figure
 * measures the previous phase: inside the full run the direct sends alone read p99 6.6–11 ms, 2–5 ms apart.
 */
async function settle(redis: OwnRedis) {
  await redis.quiesce();
  spawnSync('sync');
  await sleep(1_000);
}

/** `rounds`: runner/relay pairs per mode for figures 1 and 2 (default 1 with `quick`, else 3). */
export async function benchThroughput({
  quick = false,
  rounds = undefined as number | undefined,
  log = console.log,
} = {}) {
  const seconds = quick ? 3 : 5;
  const pairs = rounds ?? (quick ? 1 : 3);
  const receiver = await startReceiver();
  const redis = await startRedis();
  try {
    // 1 and 2. The runner and the relay back to back, so a neighbour's load hits both alike, in alternating
    // order, so a machine that slows down during the run favours neither; each round's ratios are its own.
    for (const mode of ['sqlite-full', 'sqlite-normal', 'redis'] as Mode[]) {
      const name = MODE_NAMES[mode].padEnd(13);
      const e2e: number[] = [];
      const cpu: number[] = [];
      for (let round = 0; round < pairs; round++) {
        const redisPid = mode === 'redis' ? redis.pid : undefined;
        const steal = stealMeter();
        const measure = async (who: 'relay' | 'runner') => {
          const server =
            who === 'relay'
              ? await startRelay(mode, receiver, mode === 'redis' ? redis : undefined)
              : await startRunner(mode, receiver, redis);
          return endToEnd(server, receiver, seconds, redisPid).finally(() => server.close());
        };
        const relayFirst = round % 2 === 0;
        const first = await measure(relayFirst ? 'relay' : 'runner');
        const second = await measure(relayFirst ? 'runner' : 'relay');
        const [base, ours] = relayFirst ? [first, second] : [second, first];
        e2e.push(ours.ratePerSec / base.ratePerSec);
        cpu.push(ours.cpuUsPerMessage / base.cpuUsPerMessage);
        log(
          `e2e     ${name} runner ${ours.ratePerSec}/s (intake ${ours.intakePerSec}/s, backlog at end ${ours.backlogAtEnd}) vs relay ${base.ratePerSec}/s (intake ${base.intakePerSec}/s, backlog ${base.backlogAtEnd}) → ${ratio(ours.ratePerSec, base.ratePerSec)} (aim ≥ 0.6); process CPU: runner ${ours.busyCores}, relay ${base.busyCores} cores`,
        );
        log(
          `cpu     ${name} runner ${ours.cpuUsPerMessage} µs vs relay ${base.cpuUsPerMessage} µs per message${mode === 'redis' ? ' (process + Redis)' : ''} → ${ratio(ours.cpuUsPerMessage, base.cpuUsPerMessage)} (aim ≤ 2.5); out of order: runner ${ours.outOfOrder}, relay ${base.outOfOrder}; refused ${ours.refused}/${base.refused}; ${steal()}`,
        );
      }
      if (pairs > 1) log(`summary ${name} e2e ${spread(e2e)} (aim ≥ 0.6); cpu ${spread(cpu)} (aim ≤ 2.5)`);
    }
    // 3. Replicas.
    await settle(redis);
    const replicaSteal = stealMeter();
    const one = await replicaRun(1, receiver, redis);
    const two = await replicaRun(2, receiver, redis);
    log(
      `replica Redis, receiver answering after 50 ms, draining a backlog: 1 runner ${one.deliveredPerSec}/s (${one.maxInFlight} in flight), 2 runners ${two.deliveredPerSec}/s (${two.maxInFlight} in flight) → ${ratio(two.deliveredPerSec, one.deliveredPerSec)} (aim ≥ 1.8); out of order ${one.outOfOrder + two.outOfOrder}; ${replicaSteal()}`,
    );
    // 4. Latency at 200/s.
    await settle(redis);
    const directSteal = stealMeter();
    const direct = await latency(receiver, receiver);
    const directStolen = directSteal();
    for (const [mode, aim] of [
      ['sqlite-full', 10],
      ['redis', 20],
    ] as [Mode, number][]) {
      // A fresh runner, then one warmed by 3 s of load (a runner that has been up for a while): both are shown.
      for (const warm of [0, 3]) {
        const runner = await startRunner(mode, receiver, redis);
        const steal = stealMeter();
        const ours = await latency(runner, receiver, 200, 5, warm).finally(() => runner.close());
        log(
          `latency ${MODE_NAMES[mode].padEnd(13)} 200/s open loop, ${warm ? `after ${warm} s of load` : 'fresh runner'}: runner p50 ${ours.p50} p99 ${ours.p99} max ${ours.max} ms (its 2xx p50 ${ours.answerP50} p99 ${ours.answerP99}) vs direct p50 ${direct.p50} p99 ${direct.p99} ms → added p99 ${(ours.p99 - direct.p99).toFixed(2)} ms (aim ≤ ${aim})${ours.lost ? `; ${ours.lost} not arrived` : ''}${latencyCpu(ours)}; ${steal()} (direct: ${directStolen})`,
        );
      }
    }
  } finally {
    await stop(receiver.child);
    await redis.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  // --rounds <n>: runner/relay pairs per mode for figures 1 and 2.
  const at = process.argv.indexOf('--rounds');
  const rounds = at > 0 ? Number(process.argv[at + 1]) : undefined;
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds > 0))
    throw new Error('--rounds takes a whole number of rounds, e.g. --rounds 3');
  await benchThroughput({ quick: process.argv.includes('--quick'), ...(rounds ? { rounds } : {}) });
  process.exit(0);
}
