// What each of the SQLite outbox's statements costs per message, and its commit, on a file of the outbox's own
// schema: `tsx bench/throughput/sqlite-statements.ts [variant]`. Each message is a dedupe claim and an insert
// (for 256 agents, 16 to a commit as under load), and, 64 messages later, its "delivered" update and its lane's
// refresh. Variants, to weigh a schema or a setting: `-status`, `-connector`, `-agent` drop that index of
// `messages`; `ps<n>` sets the page size; `ck<n>` the WAL's auto-checkpoint, e.g. `full-status-connector`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../src/outbox/sqlite-migrations.js';
import { prepareStatements } from '../../src/outbox/sqlite-schema.js';

const variant = process.argv[2] ?? 'full';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-statements-'));
const db = new Database(path.join(dir, 'outbox.db'));
const pageSize = /ps(\d+)/.exec(variant)?.[1];
if (pageSize) db.pragma(`page_size = ${pageSize}`);
const checkpoint = /ck(\d+)/.exec(variant)?.[1];
if (checkpoint) db.pragma(`wal_autocheckpoint = ${checkpoint}`);
// As the outbox opens its file (sqlite.ts).
db.pragma('locking_mode = EXCLUSIVE');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
migrate(db, 'bench');
for (const index of ['status', 'connector', 'agent'])
  if (variant.includes(`-${index}`)) db.exec(`DROP INDEX messages_by_${index}`);
const sql = prepareStatements(db, 17);

const N = 20_000;
const PER_COMMIT = 16;
const AGENTS = 256;
const spent = { dedupe: 0, insert: 0, update: 0, lane: 0, commit: 0 };
const time = (what: keyof typeof spent, work: () => void) => {
  const start = performance.now();
  work();
  spent[what] += performance.now() - start;
};
const props = JSON.stringify({
  lifecycle: 'answered',
  interactionId: '12345',
  ani: '+15555550100',
  queue: 'Support',
  nativeEvent: 'call.answered',
});
const now = Date.now();
let lastId = 0;
for (let first = 0; first < N; first += PER_COMMIT) {
  time('commit', () => db.exec('BEGIN'));
  for (let n = first; n < first + PER_COMMIT; n++) {
    const key = `acme/events/evt-${n}`;
    time('dedupe', () => sql.dedupeClaim.run(key, now + 86_400_000, now));
    time('insert', () => {
      const agent = `agent-${n % AGENTS}`;
      const row = sql.insert.run(
        'acme',
        'events',
        agent,
        'Call Answered',
        'answered',
        props,
        key,
        now,
        now,
        now,
      );
      lastId = Number(row.lastInsertRowid);
    });
    if (n < 64) continue;
    time('update', () =>
      sql.update.run('delivered', 1, now, null, 200, null, '{"ok":true}', now, null, lastId - 64),
    );
    time('lane', () => sql.laneRefresh.get(`agent-${(n - 64) % AGENTS}`));
  }
  time('commit', () => db.exec('COMMIT'));
}
db.close();
fs.rmSync(dir, { recursive: true, force: true });
const total = Object.values(spent).reduce((a, b) => a + b, 0);
const each = Object.entries(spent).map(([what, ms]) => `${what} ${((1000 * ms) / N).toFixed(1)}`);
console.log(
  `${variant} (page ${pageSize ?? 4096} B): ${each.join(', ')}; total ${((1000 * total) / N).toFixed(1)} µs per message`,
);
