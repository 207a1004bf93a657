// The settings a Redis command line gives, and what the runner would refuse in them: it reads appendonly,
// appendfsync and maxmemory-policy at start-up (apps/runner/src/outbox/redis-persistence.ts).

/** `--name value` pairs of a redis-server command line (the binary itself, if present, skipped). */
export function redisSettings(args: readonly string[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--') && i + 1 < args.length) settings[arg.slice(2)] = args[++i]!;
  }
  return settings;
}

/** Each way a Redis started with these arguments can lose what the runner accepted (Redis's defaults otherwise). */
export function redisPersistenceProblems(args: readonly string[]): string[] {
  const s = redisSettings(args);
  const problems: string[] = [];
  if (s.appendonly !== 'yes')
    problems.push(`redis: --appendonly is ${s.appendonly ?? 'unset (no)'}, must be yes`);
  // Redis's default appendfsync is everysec.
  if (!['everysec', 'always', undefined].includes(s.appendfsync))
    problems.push(`redis: --appendfsync is ${s.appendfsync}, must be everysec or always`);
  if (s['maxmemory-policy'] !== 'noeviction')
    problems.push(`redis: --maxmemory-policy is ${s['maxmemory-policy'] ?? 'unset'}, must be noeviction`);
  return problems;
}
