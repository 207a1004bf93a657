// Errors that say what to fix. None of them ever holds the jwt: they are built from our own words,
// the HTTP status and a redacted excerpt of the answer, never from the request that carried the key.

export type ErrorCode =
  | 'config'
  | 'validation'
  | 'payload_too_large'
  | 'url_too_long'
  | 'auth_rejected'
  | 'rate_limited'
  | 'server_error'
  | 'rejected'
  | 'timeout'
  | 'network'
  | 'bad_input';

export abstract class OpenConnectError extends Error {
  abstract readonly code: ErrorCode;
  /** Whether sending the same message again later may succeed. */
  abstract readonly retryable: boolean;
  /** HTTP status OpenConnect answered, when it answered. */
  readonly status?: number;
  /** What the user should do next. */
  readonly hint: string;

  constructor(message: string, hint: string, status?: number) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
    if (status !== undefined) this.status = status;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      hint: this.hint,
      retryable: this.retryable,
      ...(this.status !== undefined ? { status: this.status } : {}),
    };
  }
}

export class ConfigError extends OpenConnectError {
  readonly code = 'config';
  readonly retryable = false;
}

export interface ValidationProblem {
  path: string;
  message: string;
}

export class ValidationError extends OpenConnectError {
  readonly code = 'validation';
  readonly retryable = false;
  readonly problems: ValidationProblem[];

  constructor(problems: ValidationProblem[]) {
    super(
      `the OpenConnect message is invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      'fix the fields named above; agentid, jwt, crmid and event are required',
    );
    this.problems = problems;
  }

  override toJSON() {
    return { ...super.toJSON(), problems: this.problems };
  }
}

export interface PropSize {
  name: string;
  bytes: number;
}

export class PayloadTooLargeError extends OpenConnectError {
  readonly code = 'payload_too_large';
  readonly retryable = false;
  readonly bytes: number;
  readonly largestProps: PropSize[];

  constructor(bytes: number, limit: number, largestProps: PropSize[], status?: number) {
    const named = largestProps.length
      ? `; largest props: ${largestProps.map((p) => `${p.name} (${p.bytes} bytes)`).join(', ')}`
      : '';
    super(
      `the message is ${bytes} bytes, over OpenConnect's limit of ${limit} bytes${named}`,
      'drop or shorten the largest props (a prop allow-list in the connector config does this)',
      status,
    );
    this.bytes = bytes;
    this.largestProps = largestProps;
  }

  override toJSON() {
    return { ...super.toJSON(), bytes: this.bytes, largestProps: this.largestProps };
  }
}

export class UrlTooLongError extends OpenConnectError {
  readonly code = 'url_too_long';
  readonly retryable = false;

  constructor(length: number, max: number) {
    super(
      `the GET URL would be ${length} characters, over the configured maximum of ${max}`,
      'use POST (the default and the method OpenConnect recommends), or send fewer props',
    );
  }
}

export class AuthError extends OpenConnectError {
  readonly code = 'auth_rejected';
  readonly retryable = false;

  constructor(status: number) {
    super(
      `OpenConnect rejected the API key (HTTP ${status})`,
      'the API key (jwt) is invalid or was re-generated in Experience Cloud (System Settings > API Key): a re-generated key voids the old one; paste the current key of type OpenConnect',
      status,
    );
  }
}

export class RateLimitedError extends OpenConnectError {
  readonly code = 'rate_limited';
  readonly retryable = true;
  readonly retryAfterMs?: number;

  constructor(status: number, retryAfterMs?: number) {
    super(
      `OpenConnect is rate limiting (HTTP ${status})`,
      'send again later; the runner retries by itself',
      status,
    );
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

export class ServerError extends OpenConnectError {
  readonly code = 'server_error';
  readonly retryable = true;

  constructor(status: number, excerpt: string) {
    super(
      `OpenConnect answered HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`,
      'a server-side failure; it is retried',
      status,
    );
  }
}

export class RejectedError extends OpenConnectError {
  readonly code = 'rejected';
  readonly retryable = false;

  constructor(status: number, excerpt: string) {
    super(
      `OpenConnect refused the message (HTTP ${status})${excerpt ? `: ${excerpt}` : ''}`,
      status === 404
        ? 'check the OpenConnect URL: it should end in /api/sendmessage/CRM'
        : 'check the crmid (the CRM domain or Zendesk hostname), the agentid and the event name',
      status,
    );
  }
}

export class TimeoutError extends OpenConnectError {
  readonly code = 'timeout';
  readonly retryable = true;

  constructor(timeoutMs: number) {
    super(
      `OpenConnect did not answer within ${timeoutMs} ms`,
      'it is retried; raise timeoutMs if this persists',
    );
  }
}

export class NetworkError extends OpenConnectError {
  readonly code = 'network';
  readonly retryable = true;

  constructor(detail: string) {
    super(
      `could not reach OpenConnect: ${detail}`,
      'check the URL, DNS and outbound HTTPS (port 443) from this host',
    );
  }
}

/** A vendor request we cannot read: answered with 400 by the runner, never thrown further. */
export class InputError extends OpenConnectError {
  readonly code = 'bad_input';
  readonly retryable = false;
  readonly path?: string;

  constructor(message: string, path?: string) {
    super(message, 'the request does not have the shape this connector expects; see the connector README');
    if (path !== undefined) this.path = path;
  }
}

/**
 * Replaces every occurrence of each secret with [redacted]: raw, URL-encoded, encoded as a query or form
 * value (which also escapes ' ( ) ! ~ and writes spaces as +), and JSON-escaped.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  return redactor(secrets)(text);
}

/**
 * redact() for many texts and the same secrets: each secret's forms are worked out once. Longest first, so
 * a secret that contains a shorter one (a jwt that contains a token) goes as a whole, not in pieces.
 */
export function redactor(secrets: Iterable<string | undefined>): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    const asQueryValue = new URLSearchParams({ s: secret }).toString().slice(2);
    for (const form of [
      secret,
      encodeURIComponent(secret),
      asQueryValue,
      JSON.stringify(secret).slice(1, -1),
    ])
      forms.add(form);
  }
  // Stryker disable next-line ConditionalExpression: with no forms the loop below changes nothing; this only skips it
  if (forms.size === 0) return (text) => text;
  const longestFirst = [...forms].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const form of longestFirst) if (out.includes(form)) out = out.split(form).join('[redacted]');
    return out;
  };
}
