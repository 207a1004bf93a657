// Structured logs that never carry a secret: pino's redact removes known fields, and every line is
// scrubbed of the configured secret values on its way out (they can hide in messages and vendor text).
import { pino, type DestinationStream, type Logger } from 'pino';

const REDACT_PATHS = [
  'jwt',
  '*.jwt',
  'adminToken',
  '*.adminToken',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers["x-api-key"]',
  'options',
  '*.options',
];

/** The forms a secret takes in a JSON log line: raw, URL-encoded, JSON-escaped. */
function forms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

export function scrubber(secrets: readonly string[]): (line: string) => string {
  const all = secrets.filter((s) => s.length >= 4).flatMap(forms);
  if (!all.length) return (line) => line;
  return (line) => {
    let out = line;
    for (const form of all) if (out.includes(form)) out = out.split(form).join('[redacted]');
    return out;
  };
}

export interface LoggerOptions {
  level: string;
  secrets: readonly string[];
  /** Where lines go (default stdout); tests pass a collector. */
  destination?: { write(line: string): unknown };
}

export function createLogger(options: LoggerOptions): Logger {
  const scrub = scrubber(options.secrets);
  const target = options.destination ?? pino.destination({ dest: 1, sync: false });
  const stream: DestinationStream = { write: (line: string) => void target.write(scrub(line)) };
  return pino({ level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
}
