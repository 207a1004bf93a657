// Preloaded into the runner by spawnServer when BENCH_HEAP=<dir> is set: samples what the process allocates,
// objects already collected included (a plain `--heap-prof` keeps only what is still alive when it is written),
// from BENCH_HEAP_WINDOW's first number of ms after start for its second (default '3000,5000': the warm-up
// second and the load that follows in profile.ts), then writes <dir>/<pid>.heapprofile for read-heap.ts.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_HEAP!;
fs.mkdirSync(dir, { recursive: true }); // as --cpu-prof-dir makes BENCH_PROF's
// Each number by its place: an empty or unreadable one takes its default (a 0 delay stays 0).
const [delayText, forText] = (process.env.BENCH_HEAP_WINDOW ?? '').split(',');
const orDefault = (text: string | undefined, fallback: number) =>
  text?.trim() && Number.isFinite(Number(text)) ? Number(text) : fallback;
const delayMs = orDefault(delayText, 3_000);
const forMs = orDefault(forText, 5_000);
const session = new inspector.Session();
session.connect();
const post = <T>(method: string, params?: object) =>
  new Promise<T>((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
  );
await post('HeapProfiler.enable');
setTimeout(async () => {
  await post('HeapProfiler.startSampling', {
    samplingInterval: 4_096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  setTimeout(async () => {
    const { profile } = await post<{ profile: unknown }>('HeapProfiler.stopSampling');
    fs.writeFileSync(path.join(dir, `${process.pid}.heapprofile`), JSON.stringify(profile));
  }, forMs).unref();
}, delayMs).unref();
