import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banner } from '../src/banner.js';
import { type Runner, startRunner } from '../src/index.js';
import { acme } from './helpers/acme.js';

describe('quick start with nothing configured', () => {
  let runner: Runner;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'runner-demo-'));
    // A recorded request for the acme status source, where the demo looks for fixtures.
    const fixtures = path.join(dir, 'connectors', 'acme', 'fixtures', 'status');
    mkdirSync(fixtures, { recursive: true });
    writeFileSync(
      path.join(fixtures, 'ready.json'),
      JSON.stringify({
        description: 'agent becomes ready',
        request: { method: 'GET', query: { agent: 'demo.agent', state: 'Ready' } },
        expect: {
          messages: [{ agentid: 'demo.agent', event: 'agent_state', lifecycle: 'agent_state', props: {} }],
        },
      }),
    );
    runner = await startRunner({
      connectors: [acme],
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        OUTBOX: `sqlite:${path.join(dir, 'outbox.db')}`,
      },
      fixturesDir: path.join(dir, 'connectors'),
    });
  });
  afterAll(async () => {
    await runner.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers to the in-process emulator and says so in the banner', () => {
    expect(runner.target.emulator).toBe(true);
    expect(runner.target.baseUrl).toBe(runner.emulator!.endpoint);
    const text = banner(runner);
    expect(text).toContain('No OPENCONNECT_JWT is set: deliveries go to the LOCAL OpenConnect EMULATOR');
    expect(text).toContain(`${runner.emulator!.url}/__emulator/messages`);
  });

  it('enables the connectors it can configure with a generated demo secret', () => {
    expect(runner.demo!.connectors.map((c) => c.id)).toEqual(['acme']);
    expect(runner.demo!.secret).toMatch(/^demo-[0-9a-f]{24}$/);
  });

  it('generates an admin token for the dashboard and prints the dashboard URL with it in the banner', () => {
    const token = runner.demo!.adminToken!;
    expect(token).toMatch(/^demo-[0-9a-f]{24}$/);
    expect(token).not.toBe(runner.demo!.secret);
    expect(runner.config.adminToken).toBe(token);
    expect(banner(runner)).toContain(`DASHBOARD ${runner.url}/  sign in with the demo admin token ${token}`);
    expect(banner(runner)).toContain(`admin API ${runner.url}/admin/* (Bearer <the demo admin token below>)`);
  });

  it('opens the dashboard to the generated token, and only to it', async () => {
    const login = (token: string) =>
      fetch(`${runner.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
        redirect: 'manual',
      });
    expect((await login('demo-000000000000000000000000')).status).toBe(401);
    const res = await login(runner.demo!.adminToken!);
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(`${runner.url}/`, { headers: { cookie } });
    expect(await page.text()).toContain('<h2 id="deliveries-title">Live deliveries</h2>');
  });

  it('prints a sample curl that the runner accepts and the emulator receives', async () => {
    const curl = runner.demo!.curl!;
    expect(curl).toContain(`key=${runner.demo!.secret}`);
    const { stdout } = await promisify(execFile)('sh', ['-c', curl]);
    expect(stdout).toMatch(/^HTTP\/1.1 200/);
    const [message] = await runner.emulator!.waitFor(1);
    expect(message).toMatchObject({
      agentid: 'demo.agent',
      event: 'agent_state',
      props: { agentState: 'Ready' },
    });
  });
});

describe('quick start with ADMIN_TOKEN set', () => {
  it('keeps the given admin token and generates none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'runner-demo-'));
    const runner = await startRunner({
      connectors: [acme],
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        ADMIN_TOKEN: 'admin-token-chosen-by-me-0123',
        OUTBOX: `sqlite:${path.join(dir, 'outbox.db')}`,
      },
      fixturesDir: path.join(dir, 'connectors'),
    });
    try {
      expect(runner.demo!.adminToken).toBeUndefined();
      expect(runner.config.adminToken).toBe('admin-token-chosen-by-me-0123');
      expect(banner(runner)).toContain(`dashboard ${runner.url}/ (sign in with ADMIN_TOKEN)`);
      expect(banner(runner)).not.toContain('admin-token-chosen-by-me-0123');
    } finally {
      await runner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
