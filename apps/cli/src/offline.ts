// `openconnect map` is a dry run: it must not call a vendor API (DescribeUser, a Users API, a metadata
// endpoint for credentials) behind the user's back. Connectors build their look-ups in their own
// services, whose shapes the CLI cannot know, so the guard sits below them all: every outgoing socket
// (net, tls, http, https, fetch and the AWS SDK all connect through net.Socket) fails like a refused
// connection, and the attempt is remembered so the command can say what to do instead.
import net from 'node:net';

export class OfflineError extends Error {
  readonly code = 'EOFFLINE';

  constructor(target: string) {
    super(`offline: a dry run makes no network calls (tried ${target})`);
    this.name = 'OfflineError';
  }
}

export interface NetworkGuard {
  /** Every host:port something tried to reach while the guard was on. */
  readonly attempts: string[];
  /** Puts the real connect back. */
  restore(): void;
}

function describeTarget(args: unknown[]): string {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (first && typeof first === 'object') {
    const options = first as { host?: string; port?: number | string; path?: string };
    if (options.path) return options.path;
    return `${options.host ?? 'localhost'}:${options.port ?? '?'}`;
  }
  if (typeof first === 'number' || typeof first === 'string') {
    return typeof args[1] === 'string' ? `${args[1]}:${first}` : String(first);
  }
  return 'an unknown address';
}

/** Makes every outgoing connection of this process fail until restore() is called. */
export function blockNetwork(): NetworkGuard {
  const original = net.Socket.prototype.connect;
  const attempts: string[] = [];
  net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]) {
    const target = describeTarget(args);
    attempts.push(target);
    // Fail the way a refused connection does (asynchronously, on the socket), so callers' error paths run.
    process.nextTick(() => this.destroy(new OfflineError(target)));
    return this;
  } as typeof original;
  return {
    attempts,
    restore() {
      net.Socket.prototype.connect = original;
    },
  };
}
