// Secrets a vendor echoes (a token in custom attributes, the jwt as a variable's name, a secret in an
// "ignored" reason) never leave: every secret a runtime knows is scrubbed from messages and answers.
import type { HttpAnswer } from './connector.js';
import { redactor } from './errors.js';
import type { Props } from './message.js';

export type Scrub = (text: string) => string;

// One scrubber per list of secrets, remade only when the list grows (a host adds its own after start-up).
const scrubbers = new WeakMap<string[], { count: number; scrub: Scrub }>();

/** redact() with these secrets, its forms worked out once per list rather than once per text. */
export function scrubberFor(secrets: string[]): Scrub {
  const cached = scrubbers.get(secrets);
  if (cached?.count === secrets.length) return cached.scrub;
  const scrub = redactor(secrets);
  scrubbers.set(secrets, { count: secrets.length, scrub });
  return scrub;
}

/** Props without a secret in a name or a string value; a name that scrubs to one already taken keeps the first. */
export function scrubProps(props: Props, scrub: Scrub): Props {
  const out: Props = {};
  for (const [name, value] of Object.entries(props)) {
    const clean = scrub(name);
    if (!Object.hasOwn(out, clean)) out[clean] = typeof value === 'string' ? scrub(value) : value;
  }
  return out;
}

/** The answer's body and header values without a secret. */
export function scrubAnswer(answer: HttpAnswer, scrub: Scrub): HttpAnswer {
  const out: HttpAnswer = { ...answer };
  if (answer.headers)
    out.headers = Object.fromEntries(
      Object.entries(answer.headers).map(([name, value]) => [name, scrub(value)]),
    );
  if (answer.body !== undefined) out.body = scrub(answer.body);
  return out;
}
