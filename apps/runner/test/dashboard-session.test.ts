// Dashboard sessions are server-side: kept in the outbox's state store, ended by sign-out (a replayed
// cookie opens nothing), by the idle and absolute limits, and by a change of the admin token; shared by
// every replica on one Redis.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, signInCookie, startTestRunner, type TestRunner } from './helpers/runner.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the cookie opens: the admin API's status (200 or 401) and whether / shows the dashboard. */
async function opens(url: string, cookie: string) {
  const api = await fetch(`${url}/admin/status`, { headers: { cookie } });
  const page = await (await fetch(`${url}/`, { headers: { cookie } })).text();
  return { api: api.status, dashboard: page.includes('<h2 id="deliveries-title">Live deliveries</h2>') };
}
const SIGNED_IN = { api: 200, dashboard: true };
const SIGNED_OUT = { api: 401, dashboard: false };

const signOut = (url: string, cookie: string) =>
  fetch(`${url}/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });

const runners: TestRunner[] = [];
async function start(options: Parameters<typeof startTestRunner>[0] = {}) {
  const t = await startTestRunner(options);
  runners.push(t);
  return t;
}
afterAll(async () => {
  for (const t of runners) await t.close();
});

describe('dashboard sessions', () => {
  it('sets an HttpOnly, SameSite=Strict cookie that holds no token, and opens the dashboard and the admin API', async () => {
    const t = await start();
    const { cookie, setCookie } = await signInCookie(t.runner.url);
    const before = Date.now();
    expect(setCookie).toMatch(/^oc_session=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
    // The browser keeps it no longer than the absolute limit (12 h by default).
    const expires = Date.parse(setCookie.match(/Expires=([^;]+)/)![1]!);
    expect(Math.abs(expires - (before + 12 * 60 * 60_000))).toBeLessThan(5_000);
    expect(setCookie).not.toContain(ADMIN_TOKEN);
    expect(await opens(t.runner.url, cookie)).toEqual(SIGNED_IN);
  });

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const t = await start({ env: { PUBLIC_URL: 'https://runner.example.com' } });
    const { setCookie } = await signInCookie(t.runner.url);
    expect(setCookie).toMatch(/; Secure/);
  });

  it('stops opening anything after sign-out, even replayed', async () => {
    const t = await start();
    const { cookie } = await signInCookie(t.runner.url);
    const other = await signInCookie(t.runner.url); // a second browser stays signed in
    const res = await signOut(t.runner.url, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(
      /^oc_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970/,
    );
    expect(await opens(t.runner.url, cookie)).toEqual(SIGNED_OUT);
    expect(await opens(t.runner.url, other.cookie)).toEqual(SIGNED_IN);
  });

  it('ends a session idle for longer than dashboardSession.idleMs, and one in use once absoluteMs has passed', async () => {
    const t = await start({ config: { dashboardSession: { idleMs: 1_000, absoluteMs: 3_000 } } });
    const idle = await signInCookie(t.runner.url);
    const busy = await signInCookie(t.runner.url);
    const started = Date.now();
    // Requests every 300 ms keep a session alive past the idle limit...
    while (Date.now() - started < 1_800) {
      expect((await opens(t.runner.url, busy.cookie)).api).toBe(200);
      await sleep(300);
    }
    // ...while the one left alone has ended.
    expect(await opens(t.runner.url, idle.cookie)).toEqual(SIGNED_OUT);
    // And however busy, a session ends absoluteMs after sign-in.
    while (Date.now() - started < 3_200) {
      await opens(t.runner.url, busy.cookie);
      await sleep(300);
    }
    expect(await opens(t.runner.url, busy.cookie)).toEqual(SIGNED_OUT);
  }, 20_000);

  it('survives a restart on the same outbox file, and ends when the runner comes back with another admin token', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'session-token-'));
    try {
      const first = await startTestRunner({ dir });
      const { cookie } = await signInCookie(first.runner.url);
      await first.close();
      const same = await startTestRunner({ dir });
      expect(await opens(same.runner.url, cookie)).toEqual(SIGNED_IN); // kept server-side, in the outbox file
      await same.close();
      const rotated = await startTestRunner({
        dir,
        env: { ADMIN_TOKEN: 'a-new-admin-token-after-rotation' },
      });
      expect(await opens(rotated.runner.url, cookie)).toEqual(SIGNED_OUT);
      expect(
        await opens(
          rotated.runner.url,
          (await signInCookie(rotated.runner.url, 'a-new-admin-token-after-rotation')).cookie,
        ),
      ).toEqual(SIGNED_IN);
      await rotated.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('is seen by every replica sharing a Redis outbox, and a sign-out on one ends it on the other', async () => {
    const env = {
      OUTBOX: `redis://127.0.0.1:6379/0?prefix=ocsess-${randomUUID().slice(0, 8)}`,
      OUTBOX_ACCEPT_DATA_LOSS: 'yes',
    };
    const a = await start({ env });
    const b = await start({ env });
    const { cookie } = await signInCookie(a.runner.url);
    expect(await opens(b.runner.url, cookie)).toEqual(SIGNED_IN);
    await signOut(b.runner.url, cookie);
    expect(await opens(a.runner.url, cookie)).toEqual(SIGNED_OUT);
  }, 30_000);
});
