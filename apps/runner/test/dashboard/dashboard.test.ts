// The operator dashboard in real Chromium (Debian's, driven by playwright-core) against a real runner
// and the emulator on loopback.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, answered, startTestRunner, TEST_JWT, type TestRunner } from '../helpers/runner.js';

const OUTPUT = path.join(import.meta.dirname, '../../test-output');
let t: TestRunner;
let browser: Browser;
let page: Page;
/** Every body the page received, to prove the jwt never reaches the browser. */
const received: string[] = [];

const row = (id: string) => page.locator(`#deliveries-table tbody tr[data-id="${id}"]`);

async function lastDeliveryId(): Promise<string> {
  const res = await t.admin('/deliveries?limit=1');
  const { deliveries } = (await res.json()) as { deliveries: { id: string }[] };
  return deliveries[0]!.id;
}

beforeAll(async () => {
  t = await startTestRunner({
    config: {
      delivery: {
        retry: { baseDelayMs: 600, maxDelayMs: 600, jitter: 0, maxAttempts: 3 },
        pauseProbeMs: 200,
      },
    },
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.on('response', async (response) => {
    try {
      received.push(await response.text());
    } catch {
      // redirects and aborted requests have no body
    }
  });
  await page.goto(t.runner.url);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Live deliveries' }).waitFor();
  // Refresh faster than the default two seconds so short-lived states (retrying) are seen.
  await page.goto(`${t.runner.url}/?refresh=250`);
  await page.getByRole('heading', { name: 'Live deliveries' }).waitFor();
}, 60_000);

afterAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  await page?.screenshot({ path: path.join(OUTPUT, 'dashboard.png'), fullPage: true }).catch(() => {});
  await browser?.close();
  await t?.close();
});

describe('dashboard', () => {
  it('refuses a wrong token at sign-in', async () => {
    const other = await browser.newPage();
    await other.goto(t.runner.url);
    await other.getByLabel('Admin token').fill('not-the-token');
    await other.getByRole('button', { name: 'Sign in' }).click();
    await expect(other.getByRole('alert').textContent()).resolves.toBe('That is not the admin token.');
    await other.close();
  });

  it('shows a posted webhook as a row that becomes delivered, with its props on click', async () => {
    const res = await t.postAcme(answered('evt-dash-1', 'agent.smith', 'CA-7001'));
    expect(res.status).toBe(200);
    const id = await lastDeliveryId();
    await expect.poll(() => row(id).getAttribute('data-status'), { timeout: 10_000 }).toBe('delivered');
    const cells = await row(id).locator('td').allTextContents();
    expect(cells.slice(1, 8)).toEqual([
      'acme/events',
      'call.answered',
      'answered',
      'agent.smith',
      'answered',
      'delivered',
      '1',
    ]);
    expect(cells[8]).toContain('HTTP 200');
    await row(id)
      .getByRole('button', { name: /Show props/ })
      .click();
    await expect(page.locator('#details-body').textContent()).resolves.toContain(
      '"interactionId": "CA-7001"',
    );
  });

  it('filters by connector, agent and status', async () => {
    await page.getByLabel('Agent', { exact: true }).fill('nobody-has-this-login');
    await expect.poll(() => page.locator('#deliveries-table tbody tr').count()).toBe(0);
    await page.getByLabel('Agent', { exact: true }).fill('agent.smith');
    await page.getByLabel('Status', { exact: true }).selectOption('delivered');
    await expect.poll(() => page.locator('#deliveries-table tbody tr').count()).toBeGreaterThan(0);
    await page.getByLabel('Agent', { exact: true }).fill('');
    await page.getByLabel('Status', { exact: true }).selectOption('');
  });

  it('shows a failing delivery retrying, then dead, and delivers it on replay', async () => {
    t.emulator.failNext(3, 503);
    const res = await t.postAcme(answered('evt-dash-2', 'agent.jones', 'CA-7002'));
    expect(res.status).toBe(200);
    const id = await lastDeliveryId();
    await expect
      .poll(() => row(id).getAttribute('data-status'), { timeout: 10_000, interval: 50 })
      .toBe('retrying');
    await expect.poll(() => row(id).getAttribute('data-status'), { timeout: 10_000 }).toBe('dead');
    const dead = page.locator(`#dead-table tbody tr[data-id="${id}"]`);
    await dead.waitFor();
    await expect(dead.locator('td').last().textContent()).resolves.toMatch(/503/);
    t.emulator.reset();
    await dead.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Replay selected' }).click();
    await expect.poll(() => page.locator('#replay-result').textContent()).toBe('1 re-queued');
    await expect.poll(() => row(id).getAttribute('data-status'), { timeout: 10_000 }).toBe('delivered');
    expect(t.emulator.messages.at(-1)).toMatchObject({ agentid: 'agent.jones', event: 'answered' });
  });

  it('lists each connector with its webhook URL, auth scheme, counts and a chart', async () => {
    const card = page.locator('article[data-connector="acme"]');
    await expect(card.locator('code').first().textContent()).resolves.toBe(
      `${t.runner.publicUrl}/webhooks/acme`,
    );
    await expect(card.textContent()).resolves.toContain('hmac-signature');
    await expect
      .poll(async () => Number(await card.locator('[data-count="delivered"]').textContent()))
      .toBeGreaterThanOrEqual(2);
    await expect
      .poll(async () => Number(await card.locator('[data-count="received"]').textContent()))
      .toBeGreaterThanOrEqual(2);
    await expect(card.locator('svg polyline').count()).resolves.toBe(1);
  });

  it('test send goes through the pipeline and shows the answer and the hints', async () => {
    const before = t.emulator.messages.length;
    await page.getByLabel('Agent id').fill('agent.test');
    await page.getByLabel('PopFlow event').fill('testing123 ');
    await page.getByLabel('Props (one name=value per line)').fill('caller=5551234');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(page.locator('#test-result .ok').textContent({ timeout: 15_000 })).resolves.toBe(
      'OpenConnect answered HTTP 200',
    );
    const hints = await page.locator('#test-result .hints li').allTextContents();
    expect(hints[0]).toContain('leading or trailing whitespace');
    expect(hints.join(' ')).toContain('"testing123 " exactly (case and length: 11 characters)');
    expect(t.emulator.messages.slice(before)).toEqual([
      expect.objectContaining({
        agentid: 'agent.test',
        event: 'testing123 ',
        props: expect.objectContaining({ caller: '5551234' }),
      }),
    ]);
  });

  it('is operable by keyboard: the sections and controls are labelled and focusable', async () => {
    for (const label of ['Connector', 'Agent', 'Status', 'Agent id', 'PopFlow event']) {
      await expect(page.getByLabel(label, { exact: true }).count()).resolves.toBe(1);
    }
    await page.locator('#filter-connector').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('filter-agent');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('filter-status');
  });

  it('never shows the jwt: not in the page, not in any answer it received', async () => {
    await page.waitForTimeout(2_500); // one more refresh cycle
    const html = await page.content();
    expect(html).not.toContain(TEST_JWT);
    expect(received.length).toBeGreaterThan(10);
    for (const body of received) expect(body).not.toContain(TEST_JWT);
  });

  it('keeps the admin API closed without the session', async () => {
    const res = await fetch(`${t.runner.url}/admin/deliveries`);
    expect(res.status).toBe(401);
    const page2 = await fetch(t.runner.url);
    expect(await page2.text()).toContain('Admin token');
  });

  it('refuses a cross-site form post to the admin API even with the cookie', async () => {
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'oc_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    const res = await fetch(`${t.runner.url}/admin/replay`, {
      method: 'POST',
      headers: {
        cookie: `oc_session=${session!.value}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'all=true',
    });
    expect(res.status).toBe(415);
  });
});
