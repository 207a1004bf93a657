// End to end: the real `openconnect` binary as a child process, against the emulator on loopback.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../bin/openconnect.js');
const FIXTURES = join(import.meta.dirname, 'fixtures');
const JWT = 'cli-test-key-7f3a9c1e5b';
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !k.startsWith('OPENCONNECT_') && !k.startsWith('AWS_') && k !== 'FORCE_COLOR',
  ),
);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...cleanEnv, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

let emulator: Emulator;
let env: Record<string, string>;
beforeAll(async () => {
  emulator = await startEmulator({ jwts: [JWT] });
  env = { OPENCONNECT_URL: emulator.endpoint, OPENCONNECT_JWT: JWT, OPENCONNECT_CRMID: 'acme.custhelp.com' };
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

describe('openconnect send', () => {
  it('sends by POST from the env settings and says so in one line', async () => {
    const result = await cli(
      ['send', '--agentid', '123', '--event', 'testing123', '--prop', 'caller=5551234', '--prop', 'note=a=b'],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^✓ sent event "testing123" for agent 123 by POST: OpenConnect answered 200 in \d+ ms/,
    );
    expect(emulator.messages).toEqual([
      expect.objectContaining({
        method: 'POST',
        agentid: '123',
        event: 'testing123',
        crmid: 'acme.custhelp.com',
        props: { caller: '5551234', note: 'a=b' },
      }),
    ]);
  });

  it('sends by GET with flags instead of env', async () => {
    const result = await cli([
      'send',
      '--url',
      emulator.endpoint,
      '--jwt',
      JWT,
      '--crmid',
      'z.zendesk.com',
      '--agentid',
      'Ann',
      '--event',
      'On End',
      '--method',
      'GET',
    ]);
    expect(result.code).toBe(0);
    expect(emulator.messages[0]).toMatchObject({
      method: 'GET',
      agentid: 'Ann',
      event: 'On End',
      crmid: 'z.zendesk.com',
    });
  });

  it('warns about a trailing space in the event but still sends it unchanged', async () => {
    const result = await cli(['send', '--agentid', '1', '--event', 'On End '], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('! event "On End " has leading or trailing whitespace');
    expect(emulator.messages[0]?.event).toBe('On End ');
  });

  it('exits 1 on a rejected key, says it may have been re-generated, and never prints the key', async () => {
    const wrong = 'an-old-key-that-was-regenerated';
    const result = await cli(['send', '--agentid', '1', '--event', 'x'], { ...env, OPENCONNECT_JWT: wrong });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('✗ OpenConnect rejected the API key (HTTP 401)');
    expect(result.stderr).toContain('re-generated');
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });

  it('exits 1 when OpenConnect cannot be reached', async () => {
    const result = await cli(
      ['send', '--agentid', '1', '--event', 'x', '--url', 'http://127.0.0.1:9/api/sendmessage/CRM'],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('could not reach OpenConnect: ECONNREFUSED');
  });

  it('exits 2 on the end-of-life host and names the new one', async () => {
    const result = await cli(
      [
        'send',
        '--agentid',
        '1',
        '--event',
        'x',
        '--url',
        'https://connect.openmethods.com/api/sendmessage/CRM',
      ],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('end-of-life');
    expect(result.stderr).toContain('connect.openmethodscloud.com');
  });

  it('exits 2 without a key or a required flag', async () => {
    expect(
      (await cli(['send', '--agentid', '1', '--event', 'x'], { OPENCONNECT_URL: emulator.endpoint })).code,
    ).toBe(2);
    const missing = await cli(['send', '--agentid', '1'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--event <name>' not specified");
  });

  it('exits 2 on a malformed --prop', async () => {
    const result = await cli(['send', '--agentid', '1', '--event', 'x', '--prop', 'novalue'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--prop takes name=value, got "novalue"');
  });

  it('prints no colour codes when the output is not a terminal', async () => {
    const result = await cli(['send', '--agentid', '1', '--event', 'x'], env);
    expect(result.stdout).not.toContain('\u001b[');
  });
});

describe('openconnect doctor', () => {
  it('finds no problem in a good setup and proves the key with a test send', async () => {
    const result = await cli(['doctor', '--agentid', 'jdoe', '--event', 'On Answer'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ OpenConnect reachable and the key accepted (HTTP 200');
    expect(result.stdout).toContain('No problems found.');
    expect(emulator.messages[0]).toMatchObject({ agentid: 'jdoe', event: 'On Answer' });
  });

  it('reports a rejected key, a URL-shaped CRM id and event-name pitfalls, and exits 1', async () => {
    const result = await cli(['doctor', '--event', 'On\u200bAnswer'], {
      ...env,
      OPENCONNECT_JWT: 'stale-key-000',
      OPENCONNECT_CRMID: 'https://acme.zendesk.com/',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('looks like a URL');
    expect(result.stdout).toContain('contains invisible characters');
    expect(result.stderr).toContain('OpenConnect rejected the API key');
    expect(result.stdout).toContain('1 problem to fix.');
    expect(result.stdout + result.stderr).not.toContain('stale-key-000');
  });

  it('reports the end-of-life host and missing settings without sending', async () => {
    const result = await cli(['doctor', '--url', 'https://connect.openmethods.com/api/sendmessage/CRM'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('end-of-life');
    expect(result.stderr).toContain('no API key');
    expect(result.stderr).toContain('no CRM id');
    expect(result.stdout).toContain('3 problems to fix.');
  });

  it('can skip the test send', async () => {
    const result = await cli(['doctor', '--no-send', '--event', 'x'], env);
    expect(result.code).toBe(0);
    expect(emulator.messages).toEqual([]);
  });
});

describe('openconnect map', () => {
  const map = (...args: string[]) =>
    cli(['map', '--module', join(FIXTURES, 'example-connector.ts'), ...args], {
      OPENCONNECT_CRMID: 'acme.custhelp.com',
    });

  it('prints the messages a recorded request becomes, agent resolved through the directory', async () => {
    const result = await map(
      '--connector',
      'example',
      '--request',
      join(FIXTURES, 'answered.json'),
      '--directory',
      join(FIXTURES, 'directory.json'),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      connector: 'example',
      source: 'calls',
      eventId: 'evt-9',
      messages: [
        {
          agentid: 'jdoe',
          crmid: 'acme.custhelp.com',
          event: 'answered',
          props: {
            lifecycle: 'answered',
            nativeEvent: 'answered',
            interactionId: 'call-5',
            ani: '+15551230000',
          },
        },
      ],
    });
  });

  it('accepts a fixture file and reports an ignored event with its reason', async () => {
    const result = await map('--connector', 'example/calls', '--request', join(FIXTURES, 'ignored.json'));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      connector: 'example',
      source: 'calls',
      messages: [],
      ignored: 'type voicemail is not mapped',
    });
  });

  it('checks the credential with --verify', async () => {
    const good = await map(
      '--connector',
      'example',
      '--request',
      join(FIXTURES, 'answered.json'),
      '--verify',
      '--options',
      join(FIXTURES, 'options.json'),
    );
    expect(good.code).toBe(0);
    const bad = await map(
      '--connector',
      'example',
      '--request',
      join(FIXTURES, 'answered.json'),
      '--verify',
      '--options',
      join(FIXTURES, 'wrong-options.json'),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the credential does not match (HTTP 401 to the vendor)');
    expect(bad.stderr).not.toContain('a-wrong-token-456');
  });

  it('exits 2 with a clear message on a malformed request file', async () => {
    const result = await map('--connector', 'example', '--request', join(FIXTURES, 'broken.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not valid JSON');
  });

  it('exits 1 when the connector fails, and says a look-up may need --directory', async () => {
    const result = await map('--connector', 'example', '--request', join(FIXTURES, 'lookup.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('could not process the request: the user service gave up');
    expect(result.stderr).toContain(
      'offline: a dry run makes no remote look-ups: if this connector needed one, add the platform user id → agentid to --directory',
    );
  });

  it('exits 2 when the --module file cannot be loaded', async () => {
    const result = await cli([
      'map',
      '--module',
      join(FIXTURES, 'missing-connector.ts'),
      '--connector',
      'example',
      '--request',
      join(FIXTURES, 'answered.json'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `cannot load the connector module ${join(FIXTURES, 'missing-connector.ts')}`,
    );
  });

  it('exits 2 on a missing file and on an unknown connector', async () => {
    const missing = await map('--connector', 'example', '--request', join(FIXTURES, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
    const unknown = await map('--connector', 'acme', '--request', join(FIXTURES, 'answered.json'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown connector "acme"; known: example');
  });
});

describe("openconnect map on a subscription's recorded frames", () => {
  const LINE_FIXTURES = join(import.meta.dirname, '../../../core/test/fixtures/line-vendor/line');
  const map = (...args: string[]) =>
    cli(['map', '--module', join(FIXTURES, 'line-connector.ts'), ...args], {
      OPENCONNECT_CRMID: 'acme.custhelp.com',
    });

  it('maps every frame of a recorded session in order, on one runtime', async () => {
    const result = await map(
      '--connector',
      'line/line',
      '--request',
      join(LINE_FIXTURES, 'ringing-then-talking.json'),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      connector: 'line',
      subscription: 'line',
      frames: [
        {
          messages: [
            {
              agentid: 'jdoe',
              crmid: 'acme.custhelp.com',
              event: 'offered',
              props: {
                lifecycle: 'offered',
                interactionId: 'c-100',
                nativeEvent: 'ringing',
                ani: '3175550100',
                leg: 'primary',
              },
            },
          ],
        },
        {
          messages: [
            {
              agentid: 'jdoe',
              crmid: 'acme.custhelp.com',
              event: 'answered',
              props: {
                lifecycle: 'answered',
                interactionId: 'c-100',
                nativeEvent: 'talking',
                leg: 'primary',
              },
            },
          ],
        },
      ],
    });
  });

  it('maps one frame like a request, and refuses a bad frame with exit 2', async () => {
    const ignored = await map(
      '--connector',
      'line/line',
      '--request',
      join(LINE_FIXTURES, 'idle-ignored.json'),
    );
    expect(ignored.code).toBe(0);
    expect(JSON.parse(ignored.stdout)).toEqual({
      connector: 'line',
      source: 'line',
      messages: [],
      ignored: 'agent jdoe is idle: no call to pop',
    });
    const bad = await map(
      '--connector',
      'line/line',
      '--request',
      join(LINE_FIXTURES, 'missing-agent-400.json'),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('line/line: the line event is not as expected at agent');
    expect(bad.stderr).toContain('(a bad frame: the runner counts and skips it)');
  });

  it("maps a real connector's recorded session frames (Genesys Cloud notifications, offline, agent from --directory)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-frames-'));
    writeFileSync(
      join(dir, 'directory.json'),
      JSON.stringify({ '9d8e7f6a-1111-4222-8333-444455556666': 'jane.doe@example.com' }),
    );
    const fixture = join(
      import.meta.dirname,
      '../../../connectors/genesys/fixtures/cloud-notifications/queue-call-lifecycle.json',
    );
    const result = await cli([
      'map',
      '--connector',
      'genesys/cloud-notifications',
      '--request',
      fixture,
      '--directory',
      join(dir, 'directory.json'),
    ]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { frames: { messages: { agentid: string; event: string }[] }[] };
    expect(out.frames.map((f) => f.messages.map((m) => `${m.agentid} ${m.event}`).join())).toEqual([
      'jane.doe@example.com offered',
      'jane.doe@example.com answered',
      '',
      'jane.doe@example.com held',
      'jane.doe@example.com resumed',
      'jane.doe@example.com ended',
      'jane.doe@example.com completed',
    ]);
  });

  it('names the sources and subscriptions when the name is neither', async () => {
    const result = await map(
      '--connector',
      'line/nope',
      '--request',
      join(LINE_FIXTURES, 'idle-ignored.json'),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'connector line has no source or subscription "nope"; sources: none; subscriptions: line',
    );
  });
});

describe('openconnect map stays offline unless --online (amazon-connect, whose agents need DescribeUser)', () => {
  const REPO = join(import.meta.dirname, '../../..');
  const FIXTURE = join(REPO, 'connectors/amazon-connect/fixtures/eventbridge/connected-to-agent.json');
  const ARN =
    'arn:aws:connect:eu-central-1:210987654321:instance/5f0e0c8a-7c1b-4a7e-9d52-3c9a1f6b2e10/agent/8c2f4b1e-6d3a-4f59-a0e7-1b9c5d7e3a21';
  // A local stand-in for the Connect API: answers DescribeUser (GET /users/{InstanceId}/{UserId}) and counts calls.
  const calls: string[] = [];
  const connectApi = http.createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ User: { Id: '8c2f4b1e-6d3a-4f59-a0e7-1b9c5d7e3a21', Username: 'maria.from.api' } }),
    );
  });
  let dir: string;
  let awsEnv: Record<string, string>;
  beforeAll(async () => {
    await new Promise<void>((resolve) => connectApi.listen(0, '127.0.0.1', resolve));
    dir = mkdtempSync(join(tmpdir(), 'cli-map-'));
    const endpoint = `http://127.0.0.1:${(connectApi.address() as AddressInfo).port}`;
    writeFileSync(
      join(dir, 'options.json'),
      JSON.stringify({ region: 'eu-central-1', endpoint, lookupMaxAttempts: 1 }),
    );
    writeFileSync(join(dir, 'directory.json'), JSON.stringify({ [ARN]: 'maria.lopez' }));
    // Credentials and region as a developer's shell would have them: without the guard, the look-up would go out.
    awsEnv = {
      AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST0000000',
      AWS_SECRET_ACCESS_KEY: 'local-test-secret-not-aws',
      AWS_REGION: 'eu-central-1',
    };
  });
  afterEach(() => {
    calls.length = 0;
  });
  afterAll(() => new Promise<void>((resolve) => connectApi.close(() => resolve())));

  const mapAws = (...args: string[]) =>
    cli(
      [
        'map',
        '--connector',
        'amazon-connect/eventbridge',
        '--request',
        FIXTURE,
        '--options',
        join(dir, 'options.json'),
        ...args,
      ],
      awsEnv,
    );

  it('fails without reaching the Connect API and says to use --directory or --online', async () => {
    const result = await mapAws();
    expect(result.code).toBe(1);
    expect(calls).toEqual([]);
    expect(result.stderr).toContain('offline: a dry run makes no remote look-ups (it tried 127.0.0.1:');
    expect(result.stderr).toContain('add the platform user id → agentid to --directory, or pass --online');
  });

  it('maps the agent from --directory without any look-up', async () => {
    const result = await mapAws('--directory', join(dir, 'directory.json'));
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).messages.map((m: { agentid: string }) => m.agentid)).toEqual([
      'maria.lopez',
    ]);
    expect(calls).toEqual([]);
  });

  it('calls DescribeUser with --online', async () => {
    const result = await mapAws('--online');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).messages.map((m: { agentid: string }) => m.agentid)).toEqual([
      'maria.from.api',
    ]);
    expect(calls).toEqual([
      'GET /users/5f0e0c8a-7c1b-4a7e-9d52-3c9a1f6b2e10/8c2f4b1e-6d3a-4f59-a0e7-1b9c5d7e3a21',
    ]);
  });
});

describe('openconnect emulator', () => {
  let child: ChildProcess | undefined;
  afterEach(() => child?.kill('SIGKILL'));

  it('prints its URL, then every message that arrives, and stops on SIGTERM', async () => {
    child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--jwt', 'emu-key-1'], {
      env: cleanEnv,
    });
    const lines = createInterface({ input: child.stdout! });
    const seen: string[] = [];
    const waitFor = (pattern: RegExp) =>
      new Promise<string>((resolve) => {
        const found = seen.find((l) => pattern.test(l));
        if (found) return resolve(found);
        const onLine = (line: string) => {
          if (pattern.test(line)) {
            lines.off('line', onLine);
            resolve(line);
          }
        };
        lines.on('line', onLine);
      });
    lines.on('line', (line) => seen.push(line));
    const listening = await waitFor(/listening: /);
    const endpoint = listening.split('listening: ')[1]!;
    const sent = await cli([
      'send',
      '--url',
      endpoint,
      '--jwt',
      'emu-key-1',
      '--crmid',
      'c.example.com',
      '--agentid',
      '42',
      '--event',
      'Pop',
    ]);
    expect(sent.code).toBe(0);
    expect(await waitFor(/←/)).toBe('← POST agentid="42" event="Pop" crmid=c.example.com props={}');
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('bad usage exits 2 naming the flag', () => {
  it.each([
    [['emulator', '--port', 'abc'], '--port must be 0-65535, not abc'],
    [['emulator', '--port', '70000'], '--port must be 0-65535, not 70000'],
    [
      ['send', '--agentid', '1', '--event', 'x', '--jwt', 'k', '--crmid', 'c', '--timeout', '-5'],
      '--timeout must be a positive number of milliseconds',
    ],
  ])('openconnect %s', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('pnpm openconnect (the README form)', () => {
  it('runs from the repository root with paths relative to it', async () => {
    const repo = join(import.meta.dirname, '../../..');
    const result = await new Promise<Result>((resolve) => {
      execFile(
        'pnpm',
        [
          '-s',
          'openconnect',
          'map',
          '--module',
          'apps/cli/test/fixtures/example-connector.ts',
          '--connector',
          'example',
          '--request',
          'apps/cli/test/fixtures/ignored.json',
        ],
        { cwd: repo, env: cleanEnv, timeout: 30_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      connector: 'example',
      ignored: 'type voicemail is not mapped',
    });
  });
});

describe('--help', () => {
  it.each(['', 'send', 'doctor', 'emulator', 'map'])(
    'openconnect %s --help exits 0 with usage',
    async (command) => {
      const result = await cli([...(command ? [command] : []), '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: openconnect');
    },
  );
});

describe('--version', () => {
  it.each(['--version', '-V'])('openconnect %s prints the package version and exits 0', async (flag) => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as {
      version: string;
    };
    const result = await cli([flag]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });
});

describe('openconnect with no argument', () => {
  it('exits 2 and prints the usage on stderr, nothing on stdout', async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: openconnect [options] [command]');
    expect(result.stderr).toContain('send [options]');
  });
});

describe('--json', () => {
  const json = (stdout: string) => {
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0]!) as Record<string, unknown>;
  };

  it('send: one JSON object with the status, and exit 0', async () => {
    const result = await cli(['send', '--agentid', '123', '--event', 'On End ', '--json'], env);
    expect(result.code).toBe(0);
    expect(json(result.stdout)).toEqual({
      ok: true,
      agentid: '123',
      event: 'On End ',
      method: 'POST',
      status: 200,
      durationMs: expect.any(Number),
      warnings: [
        'event "On End " has leading or trailing whitespace (length 7); OpenConnect matches the PopFlow event name exactly, spaces included',
      ],
    });
    expect(result.stderr).toBe('');
    expect(emulator.messages).toHaveLength(1);
  });

  it('send: a rejected key is { ok: false } with the error, its hint and status, exit 1, no key', async () => {
    const result = await cli(['send', '--agentid', '1', '--event', 'x', '--json'], {
      ...env,
      OPENCONNECT_JWT: 'a-stale-key-0123456789',
    });
    expect(result.code).toBe(1);
    expect(json(result.stdout)).toMatchObject({
      ok: false,
      code: 'auth_rejected',
      status: 401,
      error: 'OpenConnect rejected the API key (HTTP 401)',
      hint: expect.stringContaining('re-generated'),
    });
    expect(result.stdout + result.stderr).not.toContain('a-stale-key-0123456789');
  });

  it('send: bad usage is { ok: false, code: "usage" } and exit 2', async () => {
    const result = await cli(['send', '--agentid', '1', '--event', 'x', '--json'], {
      OPENCONNECT_CRMID: 'c',
    });
    expect(result.code).toBe(2);
    expect(json(result.stdout)).toEqual({
      ok: false,
      code: 'usage',
      error: expect.stringMatching(/^no API key: pass --jwt or set OPENCONNECT_JWT/),
    });
  });

  it('doctor: every check with its level, and ok', async () => {
    const result = await cli(['doctor', '--agentid', 'jdoe', '--event', 'On Answer', '--json'], env);
    expect(result.code).toBe(0);
    const out = json(result.stdout) as {
      ok: boolean;
      problems: number;
      checks: { level: string; text: string }[];
    };
    expect(out).toMatchObject({ ok: true, problems: 0 });
    expect(out.checks).toContainEqual({ level: 'ok', text: 'CRM id acme.custhelp.com' });
    expect(out.checks).toContainEqual({
      level: 'ok',
      text: expect.stringMatching(/^OpenConnect reachable and the key accepted \(HTTP 200/),
    });
  });

  it('doctor: the problems counted, exit 1', async () => {
    const result = await cli(
      ['doctor', '--url', 'https://connect.openmethods.com/api/sendmessage/CRM', '--json'],
      {},
    );
    expect(result.code).toBe(1);
    const out = json(result.stdout) as {
      ok: boolean;
      problems: number;
      checks: { level: string; text: string }[];
    };
    expect(out).toMatchObject({ ok: false, problems: 3 });
    expect(out.checks.filter((c) => c.level === 'fail').map((c) => c.text)).toEqual([
      expect.stringContaining('end-of-life'),
      expect.stringMatching(/^no API key/),
      expect.stringMatching(/^no CRM id/),
    ]);
    expect(result.stderr).toBe('');
  });
});
