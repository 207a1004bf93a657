// `pnpm --filter @openconnect/runner backup -- <file>`: asks the running runner for an online backup of its
// SQLite outbox (POST /admin/backup), writes it to <file> and checks it before saying so: SQLite's
// integrity_check, its schema version, and what it holds. Exit codes: 0 written, 1 failed, 2 usage.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';

const USAGE = `usage: backup <file> [--runner <url>] [--force]
  Takes an online backup of the running runner's SQLite outbox into <file>.
  --runner   the runner's base URL (default: RUNNER_URL, else http://127.0.0.1:$PORT, PORT 8080)
  --force    replace <file> if it exists
  ADMIN_TOKEN must be set in the environment (the runner's admin token).`;

export interface BackupSummary {
  file: string;
  bytes: number;
  schemaVersion: number;
  messages: Record<string, number>;
}

/** Opens a backup read-only and checks it; throws what is wrong with it. */
export function checkBackup(file: string): Omit<BackupSummary, 'file'> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`the copy fails SQLite's integrity_check: ${String(integrity)}`);
    const rows = db.prepare('SELECT status, COUNT(*) AS n FROM messages GROUP BY status').all() as {
      status: string;
      n: number;
    }[];
    return {
      bytes: fs.statSync(file).size,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      messages: Object.fromEntries(rows.map((r) => [r.status, r.n])),
    };
  } finally {
    db.close();
  }
}

class UsageError extends Error {}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv) {
  let file: string | undefined;
  let runner = env.RUNNER_URL || `http://127.0.0.1:${env.PORT || 8080}`;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--force') force = true;
    else if (arg === '--runner') {
      const value = argv[++i];
      if (!value) throw new UsageError('--runner needs a URL, e.g. --runner http://127.0.0.1:8080');
      runner = value;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (file) throw new UsageError(`one file only: got ${file} and ${arg}`);
    else file = arg;
  }
  if (!file) throw new UsageError('name the file to write the backup to');
  // Under `pnpm --filter`, the script runs in the package's folder: a relative name is the caller's.
  file = path.resolve(env.INIT_CWD || process.cwd(), file);
  if (!env.ADMIN_TOKEN)
    throw new UsageError('ADMIN_TOKEN is not set: the backup is taken through the admin API');
  return { file, runner: runner.replace(/\/+$/, ''), force, token: env.ADMIN_TOKEN };
}

export async function backup(argv: string[], env: NodeJS.ProcessEnv): Promise<BackupSummary> {
  const { file, runner, force, token } = parseArgs(argv, env);
  if (!force && fs.existsSync(file))
    throw new Error(`${file} exists: name a new file, or pass --force to replace it`);
  let res: Response;
  try {
    res = await fetch(`${runner}/admin/backup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(`no runner answers at ${runner} (${cause}): start it, or pass --runner <url>`);
  }
  if (!res.ok || !res.body) {
    const text = await res.text();
    let said = text;
    try {
      said = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {}
    throw new Error(`the runner at ${runner} answered ${res.status}: ${said}`);
  }
  const partial = `${file}.partial`;
  try {
    await pipeline(
      Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
      fs.createWriteStream(partial),
    );
    const summary = checkBackup(partial);
    fs.renameSync(partial, file);
    return { file, ...summary };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

const isMain = process.argv[1] && import.meta.filename === fs.realpathSync(process.argv[1]);
if (isMain) {
  try {
    const s = await backup(process.argv.slice(2), process.env);
    const counts =
      Object.entries(s.messages)
        .map(([status, n]) => `${status} ${n}`)
        .join(', ') || 'no messages';
    process.stdout.write(
      `backup written to ${s.file}: ${s.bytes} bytes, schema version ${s.schemaVersion}, integrity ok (${counts})\n`,
    );
  } catch (error) {
    const usage = error instanceof UsageError;
    process.stderr.write(`backup: ${(error as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
    process.exitCode = usage ? 2 : 1;
  }
}
