// Tools for the crash specs: a loopback HTTP target that records what arrives, and child runners.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const runnerDir = path.resolve(here, '../..');

export interface Arrival {
  id: string;
  agentid: string;
  event: string;
}

export async function startTarget(delayMs = 2) {
  const arrivals: Arrival[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      arrivals.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Arrival);
      setTimeout(() => res.end('{"success":true}'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Child {
  process: ChildProcess;
  accepted: Arrival[];
  lines: string[];
  exited: Promise<number | null>;
  waitFor(line: string, timeoutMs?: number): Promise<void>;
}

export function spawnProducer(args: string[]): Child {
  // node --import tsx, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'children/producer.ts'), ...args],
    {
      cwd: runnerDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const accepted: Arrival[] = [];
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    const [word, id, agentid, event] = line.split(' ');
    if (word === 'accepted') accepted.push({ id: id!, agentid: agentid!, event: event! });
    for (const l of listeners) l();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    accepted,
    lines,
    exited,
    waitFor(line, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the child never printed "${line}"`)), timeoutMs);
        const check = () => {
          if (lines.includes(line)) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Per agent, the order in which distinct messages first arrived. */
export function firstArrivalOrder(arrivals: Arrival[]) {
  const seen = new Set<string>();
  const byAgent = new Map<string, number[]>();
  for (const a of arrivals) {
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    byAgent.set(a.agentid, [...(byAgent.get(a.agentid) ?? []), Number(a.id)]);
  }
  return byAgent;
}

export function duplicates(arrivals: Arrival[]) {
  const seen = new Set<string>();
  let n = 0;
  for (const a of arrivals) {
    if (seen.has(a.id)) n++;
    seen.add(a.id);
  }
  return n;
}

/** The parent's own sender, the same as the child's: POST the id, agent and event as JSON. */
export function httpDeliver(target: string) {
  return async (record: { id: string; agentid: string; event: string }) => {
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: record.id, agentid: record.agentid, event: record.event }),
      });
      await res.text();
      return res.ok
        ? ({ ok: true, status: res.status } as const)
        : ({ ok: false, retryable: true, status: res.status, error: `HTTP ${res.status}` } as const);
    } catch (error) {
      return { ok: false, retryable: true, error: (error as Error).message } as const;
    }
  };
}

/** Accepted messages that never arrived. */
export function missing(accepted: Arrival[], arrivals: Arrival[]) {
  const arrived = new Set(arrivals.map((a) => a.id));
  return accepted.filter((a) => !arrived.has(a.id));
}

/** Per agent, are the accepted messages' first arrivals in acceptance (id) order? Lists the agents that are not. */
export function outOfOrder(accepted: Arrival[], arrivals: Arrival[]) {
  const ids = new Set(accepted.map((a) => a.id));
  const bad: string[] = [];
  for (const [agent, order] of firstArrivalOrder(arrivals.filter((a) => ids.has(a.id)))) {
    if (order.some((id, i) => i > 0 && id < order[i - 1]!)) bad.push(agent);
  }
  return bad;
}
