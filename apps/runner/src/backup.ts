// POST /admin/backup: an online backup of the SQLite outbox, streamed to the caller, taken while the runner
// accepts and delivers. The runner holds its file under an exclusive lock (one process per file), so no
// other process can read it while it runs: the copy is made by the runner itself, with SQLite's backup API,
// staged on the data volume beside the outbox and deleted once sent. Nothing is written where the caller
// names, so the admin token cannot be used to write files on the runner's machine.
// The `backup` command (backup-command.ts) calls this route and checks the copy it receives.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from './context.js';
import { sendError } from './reply.js';

export const BACKUP_CONTENT_TYPE = 'application/vnd.sqlite3';

/** Registered inside the admin scope, behind its sign-in check. */
export function backupRoute(ctx: Pick<ServerContext, 'outbox' | 'logger'>): FastifyPluginAsync {
  const { outbox } = ctx;
  return async (scope) => {
    // Copies staged by a process that died while sending them: only this runner writes in its data folder.
    if (outbox.file) {
      const dir = path.dirname(outbox.file);
      for (const name of fs.readdirSync(dir))
        if (/^\.backup-[0-9a-f-]{36}\.db/.test(name)) fs.rmSync(path.join(dir, name), { force: true });
    }
    scope.post('/backup', async (request, reply) => {
      if (!outbox.backup || !outbox.file) {
        return sendError(
          reply,
          409,
          outbox.kind === 'redis'
            ? "the redis outbox lives in Redis: back it up with Redis' own tools (BGSAVE and a copy of dump.rdb, or of the append-only file)"
            : 'this outbox is kept in memory: there is no file to back up',
        );
      }
      const staged = path.join(path.dirname(outbox.file), `.backup-${randomUUID()}.db`);
      const began = Date.now();
      try {
        await outbox.backup(staged);
      } catch (error) {
        fs.rmSync(staged, { force: true });
        request.log.error({ err: error }, 'the outbox backup failed');
        return sendError(
          reply,
          503,
          `the backup failed: ${(error as Error).message}; nothing was sent, try again`,
        );
      }
      const size = fs.statSync(staged).size;
      request.log.info({ bytes: size, ms: Date.now() - began }, 'outbox backup taken');
      const stream = fs.createReadStream(staged);
      // Deleted once sent, or once the caller went away: the copy only lives while it streams.
      stream.once('close', () => fs.rmSync(staged, { force: true }));
      const name = `outbox-${new Date(began).toISOString().replace(/[:.]/g, '-')}.db`;
      return reply
        .headers({
          'content-type': BACKUP_CONTENT_TYPE,
          'content-length': String(size),
          'content-disposition': `attachment; filename="${name}"`,
          'cache-control': 'no-store',
        })
        .send(stream);
    });
  };
}
