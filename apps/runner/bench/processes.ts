// What the benchmarks share: servers under test in processes of their own, and their CPU time.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACME_SECRET } from '../test/helpers/acme.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The OpenConnect key and admin token the benchmarked runners are given. */
export const BENCH_JWT = 'bench-jwt-0123456789abcdef0123456789';
export const BENCH_ADMIN = 'bench-admin-token-0123456789';

/**
 * Writes `<dir>/config.json` for a benchmarked runner and returns its path: loopback, the default log level
 * (one line per webhook and per delivery, to a pipe read and dropped), no rate limit, the acme test connector,
 * delivering to `openconnectUrl`. `delivery`: the config's delivery settings, e.g. from BENCH_DELIVERY.
 */
export function writeRunnerConfig(
  dir: string,
  openconnectUrl: string,
  delivery: Record<string, unknown> = {},
) {
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'info',
      openconnect: { url: openconnectUrl, jwt: BENCH_JWT, crmid: 'bench.example.com' },
      limits: { ratePerSecond: 1e9, burst: 1e9 },
      connectors: { acme: { options: { secret: ACME_SECRET } } },
      delivery,
    }),
  );
  return file;
}

const builds = new Map<string, Promise<string>>();
/**
 * `entry` (TypeScript) built as production builds the runner (scripts/bundle.mjs: one ESM file, esbuild, the
 * runner's externals) into `dist/bench/<pid>/` of the app that holds it, so that another checkout's entry (ab.ts's
 * BENCH_RUNNER_A) is built with its own code and resolves its own packages. Built once per process.
 */
function built(entry: string): Promise<string> {
  let done = builds.get(entry);
  if (!done) {
    done = build(entry);
    builds.set(entry, done);
  }
  return done;
}
/** The app folders this process built into: each cleaned of gone benches once, and of its own build at exit. */
const cleanups = new Set<string>();
/** Removes the build folders (dist/bench/<pid>) of bench processes that no longer run, and older layouts. */
function removeGoneBuilds(folder: string) {
  if (!fs.existsSync(folder)) return;
  for (const child of fs.readdirSync(folder)) {
    if (/^\d+$/.test(child) && running(Number(child))) continue;
    fs.rmSync(path.join(folder, child), { recursive: true, force: true });
  }
}
function running(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
async function build(entry: string) {
  let root = path.dirname(entry);
  while (!fs.existsSync(path.join(root, 'package.json'))) {
    const up = path.dirname(root);
    if (up === root) throw new Error(`no package.json above ${entry}`);
    root = up;
  }
  const name = path.basename(entry, '.ts');
  // A folder per bench process: two benches in one checkout would otherwise rebuild each other's servers
  // under their feet. Those of benches that are gone are removed; this one's at its exit.
  const mine = path.join('dist', 'bench', String(process.pid));
  if (!cleanups.has(root)) {
    cleanups.add(root);
    removeGoneBuilds(path.join(root, 'dist', 'bench'));
    process.once('exit', () => fs.rmSync(path.join(root, mine), { recursive: true, force: true }));
  }
  const outfile = path.join(mine, name, `${name}.js`);
  // @ts-expect-error: the build script is plain JavaScript, without types
  const { bundleApp } = (await import('../../../scripts/bundle.mjs')) as {
    bundleApp(o: { root: string; entry: string; outfile: string; external: string[] }): Promise<unknown>;
  };
  // @ts-expect-error: plain JavaScript, without types
  const { RUNNER_EXTERNALS } = (await import('../externals.mjs')) as { RUNNER_EXTERNALS: string[] };
  await bundleApp({ root, entry: path.relative(root, entry), outfile, external: RUNNER_EXTERNALS });
  // The dashboard reads its pages beside the code that serves them, as in dist/ (build.mjs).
  const assets = path.join(root, 'src', 'dashboard', 'assets');
  if (fs.existsSync(assets))
    fs.cpSync(assets, path.join(root, path.dirname(outfile), 'assets'), { recursive: true });
  return path.join(root, outfile);
}

/**
 * Starts `file` and resolves once it prints `{"ready":true,"url":…}`. A TypeScript entry is built first and run
 * on plain node, as production runs dist/main.js: under tsx the runner took 3–10 % more CPU a message (esbuild's
 * name-keeping helpers, the loader; docs/benchmarks.md, twelfth pass), which is not what users run.
 * BENCH_TSX=1 runs the TypeScript through tsx instead; so do BENCH_PROF (its profiles then name each package's
 * files) and BENCH_HEAP (its sampler is TypeScript). `quiet`: the child's stderr (the runner's banner) is
 * dropped instead of shown.
 */
export async function spawnServer(
  file: string,
  env: Record<string, string>,
  { quiet = false } = {},
): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_PROF=<dir> writes a CPU profile of the runner process (or of the relay, profile.ts --relay).
  const prof =
    process.env.BENCH_PROF && (file.includes('child-runner') || file.includes('relay.ts'))
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`]
      : [];
  // BENCH_NODE_FLAGS: Node flags for the runner process (e.g. '--max-semi-space-size=32'), to try them.
  const flags =
    process.env.BENCH_NODE_FLAGS && file.includes('child-runner')
      ? process.env.BENCH_NODE_FLAGS.split(' ')
      : [];
  // BENCH_HEAP=<dir>: what the runner (or the relay) allocates, sampled by throughput/heap-sample.ts
  // (read-heap.ts reads it).
  const heap =
    process.env.BENCH_HEAP && (file.includes('child-runner') || file.includes('relay.ts'))
      ? ['--import', path.join(here, 'throughput', 'heap-sample.ts')]
      : [];
  const heapEnv = heap.length
    ? { BENCH_HEAP: process.env.BENCH_HEAP!, BENCH_HEAP_WINDOW: process.env.BENCH_HEAP_WINDOW ?? '' }
    : {};
  const tsx = file.endsWith('.ts') && (process.env.BENCH_TSX === '1' || prof.length > 0 || heap.length > 0);
  const script = file.endsWith('.ts') && !tsx ? await built(file) : file;
  const child = spawn(
    process.execPath,
    [...prof, ...flags, ...(tsx ? ['--import', 'tsx'] : []), ...heap, script],
    {
      cwd: path.join(here, '..'),
      env: { PATH: process.env.PATH ?? '', ...heapEnv, ...env },
      stdio: ['ignore', 'pipe', quiet ? 'ignore' : 'inherit'],
    },
  );
  let received = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      received += d.toString();
      const line = received.split('\n').find((l) => l.startsWith('{"ready":true') && l.endsWith('}'));
      if (!line) return;
      // From here on the server's log lines are drained unread, so they cost the load generator nothing.
      child.stdout!.off('data', onData);
      // BENCH_CHILD_LOG=<file>: kept in the file instead (with BENCH_NODE_FLAGS='--trace-gc', the GC's lines too).
      if (process.env.BENCH_CHILD_LOG) child.stdout!.pipe(fs.createWriteStream(process.env.BENCH_CHILD_LOG));
      else child.stdout!.resume();
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
