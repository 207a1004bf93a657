// A redis-server of the test's own, on a free loopback port and in a temp dir, for fault tests that stop,
// pause or reconfigure their store: the shared Redis at 6379 is never touched. Persistence is the test's
// choice (`--appendonly yes`, or `--save '' --appendonly no` for a Redis that forgets on restart).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

export const PERSISTENT = ['--appendonly', 'yes', '--appendfsync', 'everysec'];
export const FORGETFUL = ['--save', '', '--appendonly', 'no'];

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  /** The redis-server process id (changes on restart). */
  pid(): number;
  /** SIGSTOP: the process hangs, its sockets stay open (the kernel still accepts bytes). */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** A client of its own, closed by stop(). */
  client(): Redis;
  /** Stops it (SIGKILL: nothing flushed beyond what Redis already wrote; else SIGTERM) and starts it again on the same port and dir. */
  restart(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisServer(args: string[] = PERSISTENT): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'redis-fault-'));
  let child: ChildProcess;
  const clients: Redis[] = [];
  const launch = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args], {
      stdio: 'ignore',
    });
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    for (let i = 0; ; i++) {
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        probe.disconnect();
        if (i > 100) throw new Error(`redis-server on port ${port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    probe.disconnect();
  };
  const exit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGCONT');
      child.kill(signal);
    });
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    dir,
    pid: () => child.pid!,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    client() {
      const c = new Redis({ port, host: '127.0.0.1' });
      c.on('error', () => {});
      clients.push(c);
      return c;
    },
    async restart(signal = 'SIGTERM') {
      await exit(signal);
      await launch();
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await exit('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
