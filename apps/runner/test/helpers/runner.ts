// Starts a real runner on loopback against a real emulator, with its log lines captured.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConnectorDefinition } from '@openconnect/core';
import { type Emulator, startEmulator } from '@openconnect/core/testing';
import { type Runner, type SubscriptionView, startRunner } from '../../src/index.js';
import type { Outbox } from '../../src/outbox/types.js';
import type { Env } from '../../src/references.js';
import { ACME_SECRET, acme } from './acme.js';

/** A jwt that is easy to search for in logs and answers. */
export const TEST_JWT = 'jwt-9f8e7d6c5b4a-never-log-me-0123456789abcdef';
export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const CRMID = 'crm.example.com';

export interface TestRunner {
  runner: Runner;
  emulator: Emulator;
  logs: string[];
  dir: string;
  /** POSTs a signed acme event. */
  postAcme(body: unknown, extraHeaders?: Record<string, string>): Promise<Response>;
  admin(pathname: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestRunnerOptions {
  config?: Record<string, unknown>;
  env?: Env;
  connectors?: readonly ConnectorDefinition[];
  emulator?: Emulator;
  outbox?: Outbox | 'real';
  dir?: string;
}

/** A `${NAME}` reference, as a config file would hold it. */
export const ref = (name: string) => `\${${name}}`;

export function sign(body: string, secret = ACME_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function baseConfig(emulator: Emulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'info',
    openconnect: { url: emulator.endpoint, jwt: ref('TEST_JWT'), crmid: CRMID, timeoutMs: 1000 },
    delivery: { retry: { baseDelayMs: 20, maxDelayMs: 200, jitter: 0 }, pauseProbeMs: 200 },
    connectors: { acme: { options: { secret: ref('ACME_SECRET') } } },
    ...extra,
  };
}

/** Writes a config file for a runner child process: the test runner's, warnings and above logged, `extra` on top. */
export function writeRunnerConfig(file: string, emulator: Emulator, extra: Record<string, unknown> = {}) {
  writeFileSync(file, JSON.stringify(baseConfig(emulator, { logLevel: 'warn', ...extra })));
  return file;
}

export async function startTestRunner(options: TestRunnerOptions = {}): Promise<TestRunner> {
  const emulator = options.emulator ?? (await startEmulator({ jwts: [TEST_JWT] }));
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'runner-test-'));
  const logs: string[] = [];
  const runner = await startRunner({
    config: baseConfig(emulator, options.config),
    env: {
      TEST_JWT,
      ACME_SECRET,
      ADMIN_TOKEN,
      OUTBOX: `sqlite:${path.join(dir, 'outbox.db')}`,
      ...options.env,
    },
    connectors: options.connectors ?? [acme],
    logDestination: { write: (line: string) => logs.push(line) },
    ...(options.outbox && options.outbox !== 'real' ? { outbox: options.outbox } : {}),
  });
  return {
    runner,
    emulator,
    logs,
    dir,
    postAcme(body, extraHeaders = {}) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      return fetch(`${runner.url}/webhooks/acme/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-acme-signature': sign(text), ...extraHeaders },
        body: text,
      });
    },
    admin(pathname, init = {}) {
      return fetch(`${runner.url}/admin${pathname}`, {
        ...init,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(init.headers as Record<string, string> | undefined),
        },
      });
    },
    async close() {
      await runner.close();
      if (!options.emulator) await emulator.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const answered = (id: string, agent = 'agent.smith', call = 'CA-1001') => ({
  id,
  type: 'call.answered',
  agent,
  call: { id: call, from: '+15550100', queue: 'Support' },
});

/** The runner's subscriptions, as GET /admin/subscriptions gives them. */
export async function subscriptionViews(t: TestRunner): Promise<SubscriptionView[]> {
  return ((await (await t.admin('/subscriptions')).json()) as { subscriptions: SubscriptionView[] })
    .subscriptions;
}

/** What OpenConnect received, one line per message: "<agentid> <event> <interactionId>". */
export const pops = (t: TestRunner) =>
  t.emulator.messages.map((m) => `${m.agentid} ${m.event} ${m.props.interactionId}`);

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition') {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Signs in at the dashboard's form as a browser would; returns the session cookie (`oc_session=...`) and all Set-Cookie. */
export async function signInCookie(
  url: string,
  token = ADMIN_TOKEN,
): Promise<{ cookie: string; setCookie: string }> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, setCookie };
}
