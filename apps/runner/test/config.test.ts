import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigProblems, configSchema, loadConfig } from '../src/config.js';
import { keysAt } from '../src/config-sentences.js';
import { ACME_SECRET, acme } from './helpers/acme.js';
import { ref } from './helpers/runner.js';

const dir = mkdtempSync(path.join(tmpdir(), 'runner-config-'));
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};
const available = [acme];

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('runner configuration', () => {
  it('lists every problem at once instead of stopping at the first', () => {
    const problems = problemsOf(() =>
      loadConfig({
        available,
        env: { CONNECTORS: 'acme,nope' },
        document: {
          port: 'eighty',
          logLevel: 'loud',
          outbox: 'mysql://x',
          adminToken: 'short',
          openconnect: {
            url: 'https://connect.openmethods.com/api/sendmessage/CRM',
            jwt: 'k'.repeat(20),
            colour: 'red',
          },
          limits: { bodyBytes: -1 },
          connectors: { acme: { options: { secret: 'too-short' } }, ghost: {} },
          extra: true,
        },
      }),
    );
    expect(problems).toEqual([
      'port: "eighty" is not a port number (1-65535)',
      'logLevel: "loud" is not a log level (fatal, error, warn, info, debug, trace or silent)',
      // A secret's value is never repeated in a problem.
      'adminToken: the value given is not a token of at least 16 characters (e.g. from `openssl rand -hex 24`)',
      'outbox: "mysql://x" is not an outbox: sqlite:<path> or a redis:// (rediss://) URL',
      'openconnect: unknown key "colour" (openconnect takes url, jwt, crmid, method, timeoutMs)',
      'limits.bodyBytes: -1 is not a whole number of bytes (more than 0)',
      'CONFIG: unknown key "extra" (the config takes port, host, metricsPort, metricsHost, publicUrl, logLevel, adminToken, dashboardSession, outbox, outboxSync, outboxCommitWindowMs, openconnect, limits, delivery, subscriptions, cors, connectors)',
      // The end-of-life host is reported beside the schema's problems, not after they are fixed.
      expect.stringMatching(
        /^openconnect\.url: the OpenConnect host connect\.openmethods\.com is end-of-life \(use connect\.openmethodscloud\.com/,
      ),
      'openconnect.crmid (OPENCONNECT_CRMID): required with a real jwt; it is the CRM domain the PopFlow runs for',
      'connectors.ghost: no such connector; the registry has acme',
      'CONNECTORS: no such connector "nope"; the registry has acme',
      'connectors.acme: connector acme options: secret: secret must be at least 16 characters (see connectors/acme/README.md for the options it takes)',
    ]);
  });

  it('checks the OpenConnect URL, and asks for a crmid with a real jwt', () => {
    const problems = problemsOf(() =>
      loadConfig({
        available,
        env: {},
        document: {
          openconnect: { url: 'https://connect.openmethods.com/api/sendmessage/CRM', jwt: 'k'.repeat(20) },
        },
      }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^openconnect.url: the OpenConnect host connect.openmethods.com is end-of-life/,
    );
    expect(problems[1]).toMatch(/^openconnect.crmid \(OPENCONNECT_CRMID\): required with a real jwt/);
  });

  it('lets environment variables override the file', () => {
    const at = file('env.yaml', 'port: 8080\nlogLevel: info\nopenconnect:\n  crmid: from-file.example.com\n');
    const config = loadConfig({
      available,
      path: at,
      env: {
        PORT: '9099',
        PUBLIC_URL: 'https://hooks.example.com/',
        OPENCONNECT_URL: 'http://127.0.0.1:9/api/sendmessage/CRM',
        OPENCONNECT_JWT: 'jwt-from-env-0123456789',
        OPENCONNECT_CRMID: 'env.example.com',
        OPENCONNECT_METHOD: 'get',
        OUTBOX: 'redis://127.0.0.1:6379/0',
        ADMIN_TOKEN: 'admin-from-env-0123456789',
        LOG_LEVEL: 'warn',
      },
    });
    expect(config).toMatchObject({
      port: 9099,
      publicUrl: 'https://hooks.example.com',
      logLevel: 'warn',
      outbox: 'redis://127.0.0.1:6379/0',
      adminToken: 'admin-from-env-0123456789',
      openconnect: {
        url: 'http://127.0.0.1:9/api/sendmessage/CRM',
        jwt: 'jwt-from-env-0123456789',
        crmid: 'env.example.com',
        method: 'GET',
      },
    });
  });

  it('reads CORS origins from CORS_ORIGINS, normalised to scheme://host[:port]', () => {
    const config = loadConfig({
      available,
      env: { CORS_ORIGINS: 'https://Finesse1.example.com:8445/, https://finesse2.example.com:443' },
    });
    expect(config.cors).toEqual({
      origins: ['https://finesse1.example.com:8445', 'https://finesse2.example.com'],
    });
  });

  it('refuses a CORS origin with a path, and leaves CORS off when nothing is listed', () => {
    expect(
      problemsOf(() =>
        loadConfig({
          available,
          env: {},
          document: { cors: { origins: ['https://x.example.com/desktop'] } },
        }),
      ),
    ).toEqual([
      'cors.origins.0: "https://x.example.com/desktop" is not an origin: scheme://host[:port], no path (e.g. https://finesse.example.com:8445)',
    ]);
    expect(loadConfig({ available, env: {} }).cors).toBeUndefined();
  });

  it('commits the sqlite outbox with synchronous=FULL unless OUTBOX_SYNC asks for normal', () => {
    expect(loadConfig({ available, env: {} }).outboxSync).toBe('full');
    expect(loadConfig({ available, env: { OUTBOX_SYNC: 'NORMAL' } }).outboxSync).toBe('normal');
    expect(loadConfig({ available, env: {}, document: { outboxSync: 'normal' } }).outboxSync).toBe('normal');
    expect(problemsOf(() => loadConfig({ available, env: { OUTBOX_SYNC: 'off' } }))).toEqual([
      'OUTBOX_SYNC: "off" is not full or normal',
    ]);
  });

  it('gathers the sqlite commits of 1 ms by default; OUTBOX_COMMIT_WINDOW_MS sets another window, 0 to 50 ms', () => {
    expect(loadConfig({ available, env: {} }).outboxCommitWindowMs).toBe(1);
    expect(loadConfig({ available, env: { OUTBOX_COMMIT_WINDOW_MS: '0' } }).outboxCommitWindowMs).toBe(0);
    expect(
      loadConfig({ available, env: {}, document: { outboxCommitWindowMs: 2.5 } }).outboxCommitWindowMs,
    ).toBe(2.5);
    expect(problemsOf(() => loadConfig({ available, env: { OUTBOX_COMMIT_WINDOW_MS: '100' } }))).toEqual([
      'OUTBOX_COMMIT_WINDOW_MS: "100" is not a number of milliseconds from 0 to 50 (0: per event-loop turn)',
    ]);
    expect(problemsOf(() => loadConfig({ available, env: { OUTBOX_COMMIT_WINDOW_MS: 'soon' } }))).toEqual([
      'OUTBOX_COMMIT_WINDOW_MS: "soon" is not a number of milliseconds from 0 to 50 (0: per event-loop turn)',
    ]);
  });

  it('counts a Redis password among the secrets scrubbed from logs', () => {
    const config = loadConfig({ available, env: { OUTBOX: 'redis://:s3cret-redis-pass@127.0.0.1:6379/0' } });
    expect(config.secrets).toEqual(['s3cret-redis-pass']);
  });

  it('uses the embedded defaults with no file and no environment', () => {
    const config = loadConfig({ available, env: {} });
    expect(config).toMatchObject({
      port: 8080,
      outbox: 'sqlite:./data/outbox.db',
      logLevel: 'info',
      connectors: [],
    });
    expect(config.openconnect.jwt).toBeUndefined();
    expect(config.adminToken).toBeUndefined();
  });

  it('resolves environment references (with defaults), NAME_FILE and file: references for secrets', () => {
    const jwtFile = file('jwt.txt', 'jwt-from-a-file-0123456789\n');
    const secretFile = file('acme.secret', `${ACME_SECRET}\n`);
    const at = file(
      'refs.yaml',
      [
        'openconnect:',
        `  jwt: ${ref('OC_JWT')}`,
        `  crmid: ${ref('CRMID:-default.example.com')}`,
        'connectors:',
        '  acme:',
        '    options:',
        '      secret: file:acme.secret',
      ].join('\n'),
    );
    const config = loadConfig({ available, path: at, env: { OC_JWT_FILE: jwtFile } });
    expect(config.openconnect.jwt).toBe('jwt-from-a-file-0123456789');
    expect(config.openconnect.crmid).toBe('default.example.com');
    expect(config.connectors[0]!.runtime.config).toEqual({ secret: ACME_SECRET });
    expect(config.secrets).toEqual(['jwt-from-a-file-0123456789', ACME_SECRET]);
    expect(secretFile).toBeTruthy();
  });

  it('names every unresolved reference with where it is used', () => {
    const problems = problemsOf(() =>
      loadConfig({
        available,
        env: {},
        document: {
          adminToken: ref('NOPE_TOKEN'),
          connectors: { acme: { options: { secret: 'file:/no/such/file' } } },
        },
      }),
    );
    expect(problems.slice(0, 2)).toEqual([
      'adminToken: environment variable NOPE_TOKEN is not set (nor NOPE_TOKEN_FILE)',
      'connectors.acme.options.secret: cannot read file:/no/such/file (ENOENT)',
    ]);
  });

  it('refuses unknown keys in a connector section, so a typo is not silently ignored', () => {
    const problems = problemsOf(() =>
      loadConfig({
        available,
        env: {},
        document: {
          connectors: {
            acme: { options: { secret: ACME_SECRET }, event: { answered: 'X' }, props: { alow: ['ani'] } },
          },
        },
      }),
    );
    expect(problems).toEqual([
      'connectors.acme.event: unknown key (a connector takes events, props.allow/drop/rename, directory, options)',
      'connectors.acme.props.alow: unknown key (a connector takes events, props.allow/drop/rename, directory, options)',
    ]);
  });

  it('enables only the connectors named in CONNECTORS', () => {
    const two = [acme, { ...acme, id: 'other', displayName: 'Other' }];
    const document = {
      connectors: { acme: { options: { secret: ACME_SECRET } }, other: { options: { secret: ACME_SECRET } } },
    };
    expect(loadConfig({ available: two, env: {}, document }).connectors.map((c) => c.connector.id)).toEqual([
      'acme',
      'other',
    ]);
    expect(
      loadConfig({ available: two, env: { CONNECTORS: 'other' }, document }).connectors.map(
        (c) => c.connector.id,
      ),
    ).toEqual(['other']);
  });

  it('reads JSON config files as well as YAML', () => {
    const at = file(
      'c.json',
      JSON.stringify({ port: 7000, connectors: { acme: { options: { secret: ACME_SECRET } } } }),
    );
    const config = loadConfig({ available, path: at, env: {} });
    expect(config.port).toBe(7000);
    expect(config.connectors.map((c) => c.connector.id)).toEqual(['acme']);
  });

  it('reports a file that cannot be parsed', () => {
    const at = file('bad.yaml', 'port: [1,\n');
    expect(problemsOf(() => loadConfig({ available, path: at, env: {} }))[0]).toMatch(
      /^CONFIG: .*bad.yaml is not valid YAML\/JSON/,
    );
  });
});

describe('the committed config.example.yaml', () => {
  it('loads with its secrets from the environment, for the connector CONNECTORS enables', async () => {
    const { connectors } = await import('@openconnect/registry');
    const config = loadConfig({
      available: connectors,
      path: path.join(import.meta.dirname, '..', 'config.example.yaml'),
      env: {
        CONNECTORS: 'five9',
        ADMIN_TOKEN: 'admin-token-0123456789abcdef',
        OPENCONNECT_JWT: 'jwt-0123456789abcdef',
        OPENCONNECT_CRMID: 'example.custhelp.com',
        FIVE9_TOKEN: 'five9-token-0123456789abcdef',
      },
    });
    expect(config.connectors.map((c) => c.connector.id)).toEqual(['five9']);
    expect(config.connectors[0]!.runtime.settings.events).toEqual({ answered: 'IncomingCall', ended: null });
    expect(config.secrets).toEqual([
      'jwt-0123456789abcdef',
      'admin-token-0123456789abcdef',
      'five9-token-0123456789abcdef',
    ]);
  });
});

describe('pnpm start with a bad config', () => {
  it('exits 1 and prints every problem', async () => {
    const { spawnSync } = await import('node:child_process');
    const at = file('broken.yaml', 'port: -1\nconnectors:\n  nosuch: {}\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: path.join(import.meta.dirname, '..'),
      env: { PATH: process.env.PATH ?? '', CONFIG: at },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the runner configuration has 2 problem(s):');
    expect(result.stderr).toContain('  - port: -1 is not a port number (1-65535)');
    expect(result.stderr).toMatch(/ {2}- connectors\.nosuch: no such connector; the registry has /);
  });
});

describe('subscription settings', () => {
  it('defaults: held, 15 s leases, backoff from 1 s to 60 s', () => {
    const config = loadConfig({ available, env: {}, document: {} });
    expect(config.subscriptions).toEqual({
      enabled: true,
      leaseTtlMs: 15_000,
      backoffBaseMs: 1_000,
      backoffMaxMs: 60_000,
      stableMs: 30_000,
      checkTimeoutMs: 10_000,
      stopTimeoutMs: 10_000,
    });
  });

  it('SUBSCRIPTIONS=off keeps a replica from holding any, over the file', () => {
    const config = loadConfig({
      available,
      env: { SUBSCRIPTIONS: 'OFF' },
      document: { subscriptions: { leaseTtlMs: 5_000 } },
    });
    expect(config.subscriptions).toMatchObject({ enabled: false, leaseTtlMs: 5_000 });
    expect(loadConfig({ available, env: { SUBSCRIPTIONS: 'on' }, document: {} }).subscriptions.enabled).toBe(
      true,
    );
  });

  it('names a bad SUBSCRIPTIONS value, a too short lease and an unknown key', () => {
    expect(
      problemsOf(() =>
        loadConfig({
          available,
          env: { SUBSCRIPTIONS: 'sometimes' },
          document: { subscriptions: { leaseTtlMs: 10, lease: 1 } },
        }),
      ),
    ).toEqual([
      'SUBSCRIPTIONS: "sometimes" must be on or off',
      'subscriptions.leaseTtlMs: 10 is not a whole number of milliseconds (at least 1000)',
      'subscriptions: unknown key "lease" (subscriptions takes enabled, leaseTtlMs, backoffBaseMs, backoffMaxMs, stableMs, checkTimeoutMs, stopTimeoutMs)',
    ]);
  });
});

describe('the identical-request window (delivery.identicalRequestWindowMs)', () => {
  it('is 2 minutes by default; IDENTICAL_REQUEST_WINDOW_MS wins over the file, and 0 switches it off', () => {
    expect(loadConfig({ available, env: {}, document: {} }).delivery.identicalRequestWindowMs).toBe(120_000);
    const file = { delivery: { identicalRequestWindowMs: 30_000, concurrency: 4 } };
    expect(loadConfig({ available, env: {}, document: file }).delivery).toMatchObject({
      identicalRequestWindowMs: 30_000,
      concurrency: 4,
    });
    expect(
      loadConfig({ available, env: { IDENTICAL_REQUEST_WINDOW_MS: '0' }, document: file }).delivery,
    ).toMatchObject({ identicalRequestWindowMs: 0, concurrency: 4 });
  });

  it('names a value that is no number of milliseconds', () => {
    expect(
      problemsOf(() => loadConfig({ available, env: { IDENTICAL_REQUEST_WINDOW_MS: 'soon' }, document: {} })),
    ).toEqual(['IDENTICAL_REQUEST_WINDOW_MS: "soon" is not a whole number of milliseconds (0: off)']);
    expect(
      problemsOf(() =>
        loadConfig({ available, env: {}, document: { delivery: { identicalRequestWindowMs: -1 } } }),
      ),
    ).toEqual(['delivery.identicalRequestWindowMs: -1 is not a whole number of milliseconds (0: off)']);
    expect(
      problemsOf(() =>
        loadConfig({ available, env: {}, document: { delivery: { identicalRequestWindowMs: 1.5 } } }),
      ),
    ).toEqual(['delivery.identicalRequestWindowMs: 1.5 is not a whole number of milliseconds (0: off)']);
  });
});

describe('a Redis that can lose accepted events (delivery.redis.acceptDataLoss, .persistence)', () => {
  it('is refused unless accepted: OUTBOX_ACCEPT_DATA_LOSS and OUTBOX_PERSISTENCE win over the file, beside its other keys', () => {
    expect(loadConfig({ available, env: {}, document: {} }).delivery.redis).toBeUndefined();
    const file = { delivery: { concurrency: 4, redis: { partitions: 8, acceptDataLoss: false } } };
    expect(loadConfig({ available, env: {}, document: file }).delivery.redis).toEqual({
      partitions: 8,
      acceptDataLoss: false,
    });
    const both = loadConfig({
      available,
      env: { OUTBOX_ACCEPT_DATA_LOSS: 'Yes', OUTBOX_PERSISTENCE: 'confirmed' },
      document: file,
    });
    expect(both.delivery).toMatchObject({
      concurrency: 4,
      redis: { partitions: 8, acceptDataLoss: true, persistence: 'confirmed' },
    });
    expect(
      loadConfig({ available, env: { OUTBOX_ACCEPT_DATA_LOSS: 'no' }, document: {} }).delivery.redis,
    ).toEqual({ acceptDataLoss: false });
  });

  it('names a value that is neither yes nor no, and a persistence that is neither check nor confirmed', () => {
    expect(
      problemsOf(() => loadConfig({ available, env: { OUTBOX_ACCEPT_DATA_LOSS: 'maybe' }, document: {} })),
    ).toEqual(['OUTBOX_ACCEPT_DATA_LOSS: "maybe" must be yes or no']);
    expect(
      problemsOf(() => loadConfig({ available, env: { OUTBOX_PERSISTENCE: 'trust-me' }, document: {} })),
    ).toEqual(['OUTBOX_PERSISTENCE: "trust-me" is not check or confirmed']);
    expect(
      problemsOf(() =>
        loadConfig({ available, env: {}, document: { delivery: { redis: { acceptDataLoss: 'yes' } } } }),
      ),
    ).toEqual(['delivery.redis.acceptDataLoss: "yes" is not true or false']);
  });
});

describe('problems as sentences (no raw schema messages)', () => {
  const RAW =
    /Invalid (input|option)|Too (small|big)|Unrecognized key|expected (number|string|boolean|object|array|record)/;

  /** Every leaf field of the runner's config schema, as paths. */
  function leaves(at: string[] = []): string[][] {
    const keys = keysAt(configSchema, at);
    if (!keys.length) return [at];
    return keys.flatMap((key) => leaves([...at, key]));
  }
  const fields = leaves().filter(([top]) => top !== 'connectors');
  const documentWith = (value: unknown) => {
    const doc: Record<string, unknown> = {};
    for (const path of fields) {
      let at = doc;
      for (const key of path.slice(0, -1)) {
        at[key] ??= {};
        at = at[key] as Record<string, unknown>;
      }
      at[path.at(-1)!] = value;
    }
    return doc;
  };

  it.each([
    ['a mapping', { wrong: true }],
    ['a negative number', -5],
  ])('every field given %s is named once, in one pass, in words', (_name, value) => {
    expect(fields.length).toBeGreaterThanOrEqual(50);
    const problems = problemsOf(() => loadConfig({ available, env: {}, document: documentWith(value) }));
    for (const path of fields)
      expect(
        problems.filter((p) => p.startsWith(`${path.join('.')}: `)),
        path.join('.'),
      ).toHaveLength(1);
    expect(problems.filter((p) => RAW.test(p))).toEqual([]);
  });

  it('names a wrong connector setting in words too', () => {
    const problems = problemsOf(() =>
      loadConfig({
        available,
        env: {},
        document: {
          connectors: {
            acme: {
              events: { answered: 5 },
              props: { allow: 'callerId', drop: [3], rename: { ani: '' } },
              directory: ['jdoe'],
              options: { secret: ACME_SECRET },
            },
          },
        },
      }),
    );
    expect(problems).toEqual([
      'connectors.acme.events.answered: 5 is not a PopFlow event name, or null to not send that event',
      'connectors.acme.props.allow: "callerId" is not a list of prop names (a name may end in *)',
      'connectors.acme.props.drop.0: 3 is not a prop name',
      'connectors.acme.props.rename.ani: "" is not the name the PopFlow expects',
      'connectors.acme.directory: a list is not a mapping of platform user id → agent login',
    ]);
  });
});
