// A source's authentication, declared once: from one declaration come its description (the README and
// dashboard line), where the credential travels for a deployment (what the conformance kit strips), the
// verifier, and the signer that makes a request authentic (fixtures and tests are signed by this code, not
// by test helpers). Airbyte's ApiKeyAuthenticator and Svix's Webhook (sign beside verify) are the models.
import type { AuthScheme, Credential, SourceDefinition } from './connector.js';
import { header, type InboundRequest, queryParam } from './request.js';
import { hmacDigest, refused, safeCompare, type VerifyResult, verified, verifyHmac } from './verify.js';

/** A config key of the connector. */
type Key<Config> = Extract<keyof Config, string>;

/** A name fixed by the vendor, or one a deployment may change through an option (with its default). */
export type Name<Config> = string | { option: Key<Config>; default: string };

/** Where a token travels. `bearer`: `Authorization: Bearer <token>`. */
export type Carrier<Config> =
  | { header: Name<Config> }
  | { bearer: true }
  | { query: Name<Config> }
  | { form: Name<Config> };

/** What a source spreads in: `defineSource({ id, ...tokenAuth({...}), parse, map })`. */
export type SourceAuth<Config> = Pick<SourceDefinition<unknown, Config>, 'auth' | 'verify' | 'sign'>;

const nameOf = <Config>(name: Name<Config>, config?: Config): string =>
  typeof name === 'string'
    ? name
    : (((config as Record<string, unknown> | undefined)?.[name.option] as string | undefined) ??
      name.default);

const describeName = <Config>(name: Name<Config>) =>
  typeof name === 'string' ? name : `${name.default} (renamed by option ${name.option})`;

function credentialOf<Config>(carrier: Carrier<Config>, config?: Config): Credential {
  if ('bearer' in carrier) return { in: 'header', name: 'authorization' };
  // Spelled as configured; header names are compared without case wherever they are read or stripped.
  if ('header' in carrier) return { in: 'header', name: nameOf(carrier.header, config) };
  if ('query' in carrier) return { in: 'query', name: nameOf(carrier.query, config) };
  return { in: 'form', name: nameOf(carrier.form, config) };
}

function describeCarrier<Config>(carrier: Carrier<Config>): string {
  if ('bearer' in carrier) return 'header Authorization: Bearer <token>';
  if ('header' in carrier) return `header ${describeName(carrier.header)}`;
  if ('query' in carrier) return `parameter ${describeName(carrier.query)}`;
  return `form field ${describeName(carrier.form)}`;
}

/** The token after a scheme word (`Bearer abc` → `abc`), or undefined when the header has another scheme. */
function bearerToken(value: string | undefined): string | undefined {
  const [scheme, token, ...rest] = (value ?? '').trim().split(/\s+/);
  return scheme?.toLowerCase() === 'bearer' && token && !rest.length ? token : undefined;
}

function formValue(req: InboundRequest, name: string): string | undefined {
  if (!(header(req, 'content-type') ?? '').toLowerCase().includes('x-www-form-urlencoded')) return undefined;
  return new URLSearchParams(req.rawBody.toString('utf8')).get(name) ?? undefined;
}

function receivedIn<Config>(
  req: InboundRequest,
  carrier: Carrier<Config>,
  config: Config,
): string | undefined {
  if ('bearer' in carrier) return bearerToken(header(req, 'authorization'));
  if ('header' in carrier) {
    const name = nameOf(carrier.header, config);
    const value = header(req, name)?.trim();
    // A header renamed to Authorization may carry "Bearer <token>" (most senders) or the token alone (AXP
    // sends its authToken verbatim in whatever header it is told); any other header carries the token alone.
    if (name.toLowerCase() !== 'authorization') return value;
    return /^bearer\s/i.test(value ?? '') ? bearerToken(value) : value;
  }
  if ('query' in carrier) return queryParam(req, nameOf(carrier.query, config))?.trim();
  return formValue(req, nameOf(carrier.form, config))?.trim();
}

/** A request carrying `value` the way `carrier` says (what a signer adds). */
function carry<Config>(
  req: InboundRequest,
  carrier: Carrier<Config>,
  config: Config,
  value: string,
): InboundRequest {
  const credential = credentialOf(carrier, config);
  if (credential.in === 'header') {
    const name = credential.name.toLowerCase(); // an InboundRequest's header names are lower case
    const authorization = 'bearer' in carrier || name === 'authorization';
    return { ...req, headers: { ...req.headers, [name]: authorization ? `Bearer ${value}` : value } };
  }
  if (credential.in === 'query') {
    const url = new URL(req.url);
    url.searchParams.set(credential.name, value);
    return { ...req, url: url.toString(), query: { ...req.query, [credential.name]: value } };
  }
  const form = new URLSearchParams(req.rawBody.toString('utf8'));
  form.set(credential.name, value);
  return { ...req, rawBody: Buffer.from(form.toString(), 'utf8') };
}

const secretOf = <Config>(config: Config, keys: Key<Config>[]): string | undefined => {
  for (const key of keys) {
    const value = (config as Record<string, unknown>)[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
};

export interface TokenAuthOptions<Config> {
  scheme?: Extract<AuthScheme, 'api-key' | 'bearer-token' | 'shared-secret'>;
  /** The option holding the secret; with several, the first one set (e.g. a source's own, else a shared one). */
  secret: Key<Config> | Key<Config>[];
  /** Where the token may travel, tried in order. */
  in: Carrier<Config>[];
  /** Who sends it, for the description ("set on the EventBridge connection"). */
  setBy?: string;
  /**
   * Refusals in the vendor console's words, when the default ones ("the credential is missing: send …", "the
   * credential does not match") would not tell the admin what to fix there.
   */
  refusals?: { missing?: (config: Config) => string; mismatch?: string; unconfigured?: string };
}

/** A static token compared in constant time; a deployment without the secret refuses every request. */
export function tokenAuth<Config>(options: TokenAuthOptions<Config>): SourceAuth<Config> {
  const keys = Array.isArray(options.secret) ? options.secret : [options.secret];
  const carriers = options.in;
  const where = carriers.map(describeCarrier).join(' or ');
  return {
    auth: {
      scheme: options.scheme ?? (carriers.some((c) => 'bearer' in c) ? 'bearer-token' : 'shared-secret'),
      summary: `${where} = option ${keys.join(' (else ')}${')'.repeat(keys.length - 1)}${options.setBy ? `, ${options.setBy}` : ''}`,
      credentials: carriers.map((c) => credentialOf(c)),
      credentialsFor: (config) => carriers.map((c) => credentialOf(c, config)),
    },
    verify(req, { config }): VerifyResult {
      const expected = secretOf(config, keys);
      if (!expected)
        return refused(
          options.refusals?.unconfigured ??
            `no secret is configured (option ${keys.join(' or ')}), so every request is refused`,
        );
      let received: string | undefined;
      for (const carrier of carriers) {
        received = receivedIn(req, carrier, config);
        if (received) break;
      }
      if (!received) {
        const names = carriers.map((c) => describeCarrier(credentialCarrier(c, config))).join(' or ');
        return refused(options.refusals?.missing?.(config) ?? `the credential is missing: send ${names}`);
      }
      return safeCompare(received, expected)
        ? verified()
        : refused(options.refusals?.mismatch ?? 'the credential does not match');
    },
    sign(req, config) {
      const secret = secretOf(config, keys);
      return secret === undefined ? req : carry(req, carriers[0]!, config, secret);
    },
  };
}

/** The carrier with the deployment's own names, for messages. */
function credentialCarrier<Config>(carrier: Carrier<Config>, config: Config): Carrier<Config> {
  if ('bearer' in carrier) return carrier;
  if ('header' in carrier) return { header: nameOf(carrier.header, config) };
  if ('query' in carrier) return { query: nameOf(carrier.query, config) };
  return { form: nameOf(carrier.form, config) };
}

export interface HmacAuthOptions<Config> {
  secret: Key<Config>;
  header: Name<Config>;
  algorithm?: 'sha1' | 'sha256' | 'sha512';
  digest?: 'hex' | 'base64';
  /** Before the digest, e.g. `sha256=`. */
  prefix?: string;
  setBy?: string;
}

/** An HMAC of the raw body in a header (never of re-serialised JSON). */
export function hmacAuth<Config>(options: HmacAuthOptions<Config>): SourceAuth<Config> {
  const { algorithm = 'sha256', digest = 'hex', prefix = '' } = options;
  const carrier: Carrier<Config> = { header: options.header };
  return {
    auth: {
      scheme: 'hmac-signature',
      summary: `${describeCarrier(carrier)}: ${prefix}${digest} HMAC-${algorithm.toUpperCase()} of the body with option ${options.secret}${options.setBy ? `, ${options.setBy}` : ''}`,
      credentials: [credentialOf(carrier)],
      credentialsFor: (config) => [credentialOf(carrier, config)],
      signsBody: true,
    },
    verify(req, { config }) {
      const secret = secretOf(config, [options.secret]);
      if (!secret)
        return refused(`no secret is configured (option ${options.secret}), so every request is refused`);
      return verifyHmac({
        secret,
        payload: req.rawBody,
        signature: header(req, nameOf(options.header, config)),
        algorithm,
        digest,
        prefix,
      });
    },
    sign(req, config) {
      const secret = secretOf(config, [options.secret]);
      if (secret === undefined) return req;
      return carry(req, carrier, config, `${prefix}${hmacDigest(secret, req.rawBody, algorithm, digest)}`);
    },
  };
}
