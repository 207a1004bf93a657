// Runner child processes for crash tests, and a bounded load generator that remembers what was accepted.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { answered, sign } from './runner.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ChildRunner {
  url: string;
  child: ChildProcess;
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `preload`: a module of this folder run before the runner (e.g. fault-on-signal.ts). */
export function spawnRunner(
  env: Record<string, string>,
  options: { preload?: string } = {},
): Promise<ChildRunner> {
  const preload = options.preload ? ['--import', path.join(here, options.preload)] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, path.join(here, 'child-runner.ts')], {
    cwd: path.join(here, '..', '..'),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let started = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`runner child did not start:\n${output.join('')}`)),
      20_000,
    );
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      output.push(d.toString());
      // Lines can arrive split over chunks: look in everything received so far.
      const line = output
        .join('')
        .split('\n')
        .find((l) => l.startsWith('{"ready":true') && l.endsWith('}'));
      if (line && !started) {
        started = true;
        clearTimeout(timer);
        resolve({
          url: (JSON.parse(line) as { url: string }).url,
          child,
          output,
          kill: async (signal = 'SIGKILL') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`runner child exited (${code}) before listening:\n${output.join('')}`));
    });
  });
}

/** Posts one Acme event, signed, to the webhook of the runner at `url`. */
export function postSigned(url: string, event: unknown, signal?: AbortSignal) {
  const body = JSON.stringify(event);
  return fetch(`${url}/webhooks/acme/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-acme-signature': sign(body) },
    body,
    signal,
  });
}

/**
 * Sends signed events from `workers` loops until `stop()` is called (or `max` are sent), each to the URL
 * `target()` gives at that moment, each loop waiting `pauseMs` between requests (default none). Records
 * the ids answered 2xx: those the runner promised to deliver.
 */
export function load(
  target: () => string,
  options: { workers: number; max: number; prefix: string; pauseMs?: number },
) {
  const accepted: string[] = [];
  const failed: string[] = [];
  let next = 0;
  let running = true;
  const worker = async () => {
    while (running && next < options.max) {
      const id = `${options.prefix}-${next++}`;
      try {
        const res = await postSigned(
          target(),
          answered(id, `agent-${next % 7}`, id),
          AbortSignal.timeout(5000),
        );
        await res.arrayBuffer();
        (res.ok ? accepted : failed).push(id);
      } catch {
        failed.push(id); // the runner died mid-request: not accepted, the vendor would retry
      }
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  };
  const done = Promise.all(Array.from({ length: options.workers }, worker));
  return {
    accepted,
    failed,
    sent: () => next,
    async stop() {
      running = false;
      await done;
    },
  };
}
