// Whether the Redis behind the outbox keeps what it acknowledged. The runner answers a vendor 2xx once Redis
// has the event; that promise is empty if a restart forgets it (no append-only file) or a full Redis evicts
// it. Read with CONFIG GET at start-up (a Redis that can lose events is refused unless the operator accepts
// the risk) and every persistenceCheckMs after (a change is reported: warnings, the hook, the log).
import { type Redis, ReplyError } from 'ioredis';

export interface PersistencePolicy {
  /** Start (with a warning) on a Redis that can lose accepted events, or whose settings cannot be read. */
  acceptDataLoss?: boolean;
  /** `confirmed`: the operator vouches for a Redis whose CONFIG command is disabled (managed services). */
  persistence?: 'check' | 'confirmed';
}

export interface RedisPersistence {
  /** What CONFIG GET showed; undefined when it was refused (`unreadable` says how). */
  settings?: Record<(typeof SETTINGS)[number], string>;
  unreadable?: string;
  /** Each way this Redis can lose accepted events, with its fix. */
  risks: string[];
}

const SETTINGS = ['appendonly', 'appendfsync', 'save', 'maxmemory-policy'] as const;

const FIX =
  'set appendonly yes, appendfsync everysec (or always) and maxmemory-policy noeviction in redis.conf, or with CONFIG SET then CONFIG REWRITE';
const ACCEPT = 'delivery.redis.acceptDataLoss: true (OUTBOX_ACCEPT_DATA_LOSS=yes)';
const DECLARE = 'delivery.redis.persistence: confirmed (OUTBOX_PERSISTENCE=confirmed)';

function risksOf(s: NonNullable<RedisPersistence['settings']>): string[] {
  const risks: string[] = [];
  if (s.appendonly !== 'yes')
    risks.push(
      s.save.trim()
        ? `appendonly is ${s.appendonly}: only snapshots (save "${s.save}") reach the disk, so a restart loses what was accepted since the last one`
        : `appendonly is ${s.appendonly} and save is empty: nothing reaches the disk, so a restart loses every accepted event`,
    );
  else if (s.appendfsync !== 'everysec' && s.appendfsync !== 'always')
    risks.push(
      `appendfsync is ${s.appendfsync}: the append-only file is synced when the OS likes, so a power cut loses the last seconds`,
    );
  if (s['maxmemory-policy'] !== 'noeviction')
    risks.push(
      `maxmemory-policy is ${s['maxmemory-policy']}: a full Redis evicts keys, accepted events among them`,
    );
  return risks;
}

/** CONFIG GET of the settings that decide durability. Throws only when Redis does not answer. */
export async function readPersistence(redis: Redis): Promise<RedisPersistence> {
  try {
    const values = await Promise.all(
      SETTINGS.map(async (name) => ((await redis.config('GET', name)) as string[])[1]),
    );
    const settings = Object.fromEntries(SETTINGS.map((name, i) => [name, values[i] ?? ''])) as NonNullable<
      RedisPersistence['settings']
    >;
    return { settings, risks: risksOf(settings) };
  } catch (error) {
    if (!(error instanceof ReplyError)) throw error;
    return { unreadable: (error as Error).message, risks: [] };
  }
}

/** What the policy makes of it: a refusal (do not start), a warning (started with the risk accepted), or nothing. */
export function judgePersistence(found: RedisPersistence, policy: PersistencePolicy, where: string) {
  if (found.risks.length) {
    const risks = found.risks.join('; ');
    return policy.acceptDataLoss
      ? {
          warning: `the Redis outbox at ${where} can lose accepted events (accepted by delivery.redis.acceptDataLoss): ${risks}`,
        }
      : {
          refusal: `the Redis outbox at ${where} can lose accepted events: ${risks}. To keep them, ${FIX}; to run anyway, accept the risk with ${ACCEPT}`,
        };
  }
  if (found.unreadable && policy.persistence !== 'confirmed') {
    const why = `its persistence is unknown: CONFIG GET is refused ("${found.unreadable}"), as on managed services that disable CONFIG`;
    return policy.acceptDataLoss
      ? {
          warning: `the Redis outbox at ${where} may lose accepted events (accepted by delivery.redis.acceptDataLoss): ${why}`,
        }
      : {
          refusal: `the Redis outbox at ${where} cannot be checked: ${why}. If the service keeps every write (append-only file synced every second or always, no eviction), declare it with ${DECLARE}; otherwise accept the risk with ${ACCEPT}`,
        };
  }
  return {};
}

/**
 * Refuses a Redis that can lose accepted events (throws with the settings and their fix) unless the policy
 * accepts it, then checks again every `intervalMs`: `warnings()` holds what is wrong now, and `onChange`
 * hears each change (a Redis reconfigured or replaced while the runner runs is reported, not refused:
 * turning vendors away would lose more than a store that may forget).
 */
export async function guardPersistence(options: {
  redis: Redis;
  policy: PersistencePolicy;
  where: string;
  intervalMs: number;
  onChange(warnings: string[]): void;
}) {
  const { redis, policy, where } = options;
  const first = judgePersistence(await readPersistence(redis), policy, where);
  if (first.refusal) throw new Error(first.refusal);
  let warning = first.warning;
  const check = async () => {
    const now = judgePersistence(await readPersistence(redis), policy, where);
    // A risk that appears later was not accepted at start-up: reported the same way, worded as its refusal.
    const next = now.warning ?? now.refusal;
    if (next === warning) return;
    warning = next;
    options.onChange(warning ? [warning] : []);
  };
  const timer = setInterval(() => check().catch(() => {}), options.intervalMs);
  timer.unref();
  return {
    warnings: (): string[] => (warning ? [warning] : []),
    check,
    stop: () => clearInterval(timer),
  };
}
