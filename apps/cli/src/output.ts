// Output helpers: one clear line per outcome; colour only on a TTY and never with NO_COLOR set.
// (A few ANSI codes do not justify a dependency.)
const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  color: boolean;
}

export function defaultIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}

export function paint(io: Io, color: keyof typeof CODES, text: string): string {
  return io.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

export const ok = (io: Io, text: string) => io.out(`${paint(io, 'green', '✓')} ${text}`);
export const warn = (io: Io, text: string) => io.out(`${paint(io, 'yellow', '!')} ${text}`);
export const fail = (io: Io, text: string) => io.err(`${paint(io, 'red', '✗')} ${text}`);

/** Exit codes: 0 success, 1 the operation failed (OpenConnect refused, a check failed), 2 bad usage or input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
