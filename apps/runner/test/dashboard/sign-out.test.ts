// Sign-out in real Chromium: the button ends the server-side session, the browser is back at sign-in, and
// the cookie it held, replayed by hand, opens nothing.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signIn } from '../helpers/browser.js';
import { startTestRunner, type TestRunner } from '../helpers/runner.js';

let t: TestRunner;
let browser: Browser;

beforeAll(async () => {
  t = await startTestRunner();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('dashboard sign-out', () => {
  it('ends the session: the page is back at sign-in and the old cookie, replayed, opens nothing', async () => {
    const page = await browser.newPage();
    await signIn(page, t.runner.url, '/');
    await page.getByRole('heading', { name: 'Live deliveries' }).waitFor();
    const session = (await page.context().cookies()).find((c) => c.name === 'oc_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });
    const cookie = `oc_session=${session.value}`;
    expect((await fetch(`${t.runner.url}/admin/status`, { headers: { cookie } })).status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    expect((await page.context().cookies()).find((c) => c.name === 'oc_session')).toBeUndefined();
    expect((await fetch(`${t.runner.url}/admin/status`, { headers: { cookie } })).status).toBe(401);
    const replayed = await (await fetch(`${t.runner.url}/`, { headers: { cookie } })).text();
    expect(replayed).toContain('<title>Sign in · OpenConnect runner</title>');
  }, 30_000);
});
