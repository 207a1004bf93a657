// The dashboard's subscription cards in real Chromium (Debian's, driven by playwright-core), against a real
// runner holding the line vendor's session on loopback: status, counts, holder, and why it failed.
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type LineVendor, lineConnector, startLineVendor } from '@openconnect/core/testing';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, recordingPage, signIn } from '../helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acme } from '../helpers/acme.js';
import { ref, startTestRunner, TEST_JWT, type TestRunner } from '../helpers/runner.js';

const OUTPUT = path.join(import.meta.dirname, '../../test-output');
const LINE_TOKEN = 'line-token-dashboard-never-shown';
let t: TestRunner;
let vendor: LineVendor;
let browser: Browser;
let page: Page;
const received: string[] = [];

const card = () => page.locator('#subscription-cards [data-subscription="line/line"]');
const field = (name: string) => card().locator(`[data-field="${name}"]`);

beforeAll(async () => {
  vendor = await startLineVendor({ token: LINE_TOKEN, sessionMs: 2_000 });
  t = await startTestRunner({
    connectors: [acme, lineConnector],
    env: { LINE_TOKEN },
    config: {
      subscriptions: { backoffBaseMs: 300, backoffMaxMs: 300 },
      connectors: {
        acme: { options: { secret: ref('ACME_SECRET') } },
        line: { options: { lineUrl: vendor.url, lineToken: ref('LINE_TOKEN') } },
      },
    },
  });
  browser = await launchChromium();
  page = await recordingPage(browser, received);
  await signIn(page, t.runner.url, '/?refresh=250#subscriptions');
  await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await vendor?.close();
});

describe('dashboard: subscriptions', () => {
  it('shows the held session as connected, held by this replica, with its counts', async () => {
    await expect.poll(() => field('status').textContent(), { timeout: 10_000 }).toMatch(/^Connected since /);
    await expect(field('holder').textContent()).resolves.toBe(
      `Held by this replica (${t.runner.supervisor.holderId})`,
    );
    vendor.push({ agent: 'jdoe', state: 'ringing', call: 'c-dash-1' });
    vendor.push({ agent: 'jdoe', state: 'idle', call: 'none' });
    await expect
      .poll(() => card().locator('[data-count="events"]').textContent(), { timeout: 10_000 })
      .toBe('2');
    await expect(card().locator('[data-count="messages"]').textContent()).resolves.toBe('1');
    await expect(field('last-event').textContent()).resolves.toMatch(/^Last event at /);
  });

  it('says why a session failed: the vendor reason, the retry, the last error', async () => {
    vendor.deny('account locked by the administrator');
    vendor.drop();
    await expect
      .poll(() => field('status').textContent(), { timeout: 10_000 })
      .toMatch(/^Failed: retrying since /);
    await expect(field('detail').textContent()).resolves.toContain('account locked by the administrator');
    await expect(field('last-error').textContent()).resolves.toContain('the line vendor refused the login');
    await expect(card().getAttribute('data-status')).resolves.toBe('failed');
    await expect(card().locator('[data-count="reconnects"]').textContent()).resolves.not.toBe('0');
    mkdirSync(OUTPUT, { recursive: true });
    const file = path.join(OUTPUT, 'dashboard-subscriptions.png');
    await page.locator('#subscriptions').screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(1_000);
    vendor.deny(undefined);
    await expect.poll(() => field('status').textContent(), { timeout: 10_000 }).toMatch(/^Connected since /);
  });

  it('never shows the vendor token or the jwt', () => {
    const all = received.join('\n');
    expect(all).toContain('line/line');
    expect(all).not.toContain(LINE_TOKEN);
    expect(all).not.toContain(TEST_JWT);
  });
});
