// A Docker daemon for the image test, and a Node 20 base image built from this machine's own node (base
// images cannot be pulled here). The daemon is started when none answers and left running for later runs.
import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Result {
  code: number;
  out: string;
}

export function exec(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 240_000,
): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) || 1 : 0,
          out: `${stdout}${stderr}`,
        }),
    );
  });
}

export const docker = (...args: string[]) => exec('docker', args);

/** The command whose `build` runs BuildKit (which skips the Dockerfile's unused build stage). */
export async function buildkitDocker(): Promise<{ command: string; env: NodeJS.ProcessEnv }> {
  if ((await docker('buildx', 'version')).code === 0) return { command: 'docker', env: {} };
  // Debian's docker.io CLI has BuildKit built in; a newer CLI without the buildx plugin has not.
  return {
    command: existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker',
    env: { DOCKER_BUILDKIT: '1' },
  };
}

const which = async (name: string) => (await exec('sh', ['-c', `command -v ${name}`])).out.trim();

async function daemonAnswers(timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  do {
    if ((await docker('info', '--format', '{{.ServerVersion}}')).code === 0) return true;
    await new Promise((r) => setTimeout(r, 500));
  } while (Date.now() < until);
  return false;
}

/**
 * A daemon that answers, or why there is none. Starts `dockerd` (default storage driver, then vfs when
 * overlay cannot work here) when the socket does not answer; .ci/run installs docker.io.
 */
export async function ensureDocker(): Promise<string | undefined> {
  if (!(await which('docker'))) return 'no docker command: apt-get install -y docker.io (.ci/run does)';
  if (await daemonAnswers(0)) return undefined;
  const dockerd = await which('dockerd');
  if (!dockerd) return 'no Docker daemon answers and dockerd is not installed: apt-get install -y docker.io';
  if (process.getuid?.() !== 0) return 'no Docker daemon answers and only root can start dockerd here';
  for (const driver of [[], ['--storage-driver=vfs']]) {
    const log = path.join(tmpdir(), 'openconnect-dockerd.log');
    const out = openSync(log, 'a');
    const child = spawn(dockerd, driver, { detached: true, stdio: ['ignore', out, out] });
    child.unref();
    if (await daemonAnswers(45_000)) return undefined;
    if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 2000));
    if (driver.length) return `dockerd did not answer on /var/run/docker.sock (see ${log})`;
  }
  return 'unreachable';
}

/** The shared libraries `ldd` lists for a binary (the loader included). */
async function libraries(binary: string): Promise<string[]> {
  const { out } = await exec('ldd', [binary]);
  return [...out.matchAll(/(\/[^\s)]+)/g)].map((m) => m[1]!).filter((p) => p !== binary);
}

/**
 * `openconnect-test-node:<version>`: this machine's node at /usr/local/bin/node (where the official image
 * has it), the libraries it and the given native add-ons link, /tmp, and /etc/passwd with root and uid 1000.
 * Built once per node version and kept.
 */
export async function ensureBaseImage(nativeAddons: string[] = []): Promise<string> {
  const tag = `openconnect-test-node:${process.version.slice(1)}`;
  if ((await docker('image', 'inspect', tag)).code === 0) return tag;
  const root = mkdtempSync(path.join(tmpdir(), 'node-rootfs-'));
  try {
    const put = (source: string, target = source) => {
      mkdirSync(path.join(root, path.dirname(target)), { recursive: true });
      copyFileSync(source, path.join(root, target));
    };
    put(process.execPath, '/usr/local/bin/node');
    const libs = new Set<string>();
    for (const binary of [process.execPath, ...nativeAddons])
      for (const lib of await libraries(binary)) libs.add(lib);
    for (const lib of libs) put(lib);
    mkdirSync(path.join(root, 'tmp'));
    chmodSync(path.join(root, 'tmp'), 0o1777);
    mkdirSync(path.join(root, 'etc'));
    writeFileSync(
      path.join(root, 'etc/passwd'),
      'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/usr/sbin/nologin\n',
    );
    writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
    const tar = path.join(root, '..', `${path.basename(root)}.tar`);
    const packed = await exec('tar', ['-C', root, '-cf', tar, '.']);
    if (packed.code !== 0) throw new Error(`tar failed: ${packed.out}`);
    const imported = await docker(
      'import',
      '--change',
      'ENV PATH=/usr/local/bin:/usr/bin:/bin',
      '--change',
      'CMD ["node"]',
      tar,
      tag,
    );
    rmSync(tar, { force: true });
    if (imported.code !== 0) throw new Error(`docker import failed: ${imported.out}`);
    return tag;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
