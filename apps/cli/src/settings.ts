// Where the OpenConnect connection settings come from: flags first, then the documented env names.
import { DEFAULT_BASE_URL, type SendMethod } from '@openconnect/core';

export interface ConnectionFlags {
  url?: string;
  jwt?: string;
  crmid?: string;
  method?: string;
  timeout?: string;
}

export interface Connection {
  url: string;
  jwt?: string;
  crmid?: string;
  method: SendMethod;
  timeoutMs: number;
}

export class UsageError extends Error {}

export function connectionFrom(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Connection {
  const method = (flags.method ?? env.OPENCONNECT_METHOD ?? 'POST').toUpperCase();
  if (method !== 'POST' && method !== 'GET')
    throw new UsageError(`--method must be POST or GET, not ${method}`);
  const timeoutMs = Number(flags.timeout ?? 10_000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new UsageError('--timeout must be a positive number of milliseconds');
  const jwt = flags.jwt ?? env.OPENCONNECT_JWT;
  const crmid = flags.crmid ?? env.OPENCONNECT_CRMID;
  return {
    url: flags.url ?? env.OPENCONNECT_URL ?? DEFAULT_BASE_URL,
    method,
    timeoutMs,
    ...(jwt ? { jwt } : {}),
    ...(crmid ? { crmid } : {}),
  };
}

/** `--prop caller=5551234` (repeatable) → { caller: '5551234' }. */
export function parseProps(pairs: string[]): Record<string, string> {
  const props: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--prop takes name=value, got "${pair}"`);
    props[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return props;
}
