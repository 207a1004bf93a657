// What the benchmarks share: servers under test in processes of their own, and their CPU time.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Starts `file` (TypeScript, through tsx) and resolves once it prints `{"ready":true,"url":…}`. */
/** `quiet`: the child's stderr (the runner's banner) is dropped instead of shown. */
export function spawnServer(
  file: string,
  env: Record<string, string>,
  { quiet = false } = {},
): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_PROF=<dir> writes a CPU profile of the runner process.
  const prof =
    process.env.BENCH_PROF && file.includes('child-runner')
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`]
      : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', file], {
    cwd: path.join(here, '..'),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', quiet ? 'ignore' : 'inherit'],
  });
  let received = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      received += d.toString();
      const line = received.split('\n').find((l) => l.startsWith('{"ready":true') && l.endsWith('}'));
      if (!line) return;
      // From here on the server's log lines are drained unread, so they cost the load generator nothing.
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve({ url: (JSON.parse(line) as { url: string }).url, child });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${file} exited ${code}`)));
  });
}

/** Stops a child started by spawnServer and waits for it to go. */
export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await gone;
}

/** CPU time (user + system) the process has used so far, in ms, from /proc (Linux); undefined elsewhere. */
export function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return undefined;
  }
}
