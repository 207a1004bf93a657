// The operator dashboard in real Chromium (Debian's, driven by playwright-core) against a real runner
// and the emulator on loopback.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, recordingPage, signIn } from '../helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_SECRET, acme } from '../helpers/acme.js';
import {
  ADMIN_TOKEN,
  answered,
  ref,
  sign,
  startTestRunner,
  TEST_JWT,
  type TestRunner,
} from '../helpers/runner.js';

const OUTPUT = path.join(import.meta.dirname, '../../test-output');
/** A second connector, so the connector filter has something to tell apart. */
const beta = { ...acme, id: 'beta', displayName: 'Beta Telephony (test)' };
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
    connectors: [acme, beta],
    config: {
      connectors: {
        acme: { options: { secret: ref('ACME_SECRET') } },
        beta: { options: { secret: ref('ACME_SECRET') } },
      },
      delivery: {
        retry: { baseDelayMs: 600, maxDelayMs: 600, jitter: 0, maxAttempts: 3 },
        pauseProbeMs: 200,
      },
    },
  });
  browser = await launchChromium();
  page = await recordingPage(browser, received);
  // Refresh faster than the default two seconds so short-lived states (retrying) are seen.
  await signIn(page, t.runner.url, '/?refresh=250');
  await page.getByRole('heading', { name: 'Live deliveries' }).waitFor();
}, 60_000);

afterAll(async () => {
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

  /** The "connector/source" cell of every row shown, once the table has refreshed. */
  const shown = (column: number) =>
    page.locator(`#deliveries-table tbody tr td:nth-child(${column})`).allTextContents();

  it('filters by connector', async () => {
    const body = JSON.stringify(answered('evt-dash-beta', 'agent.beta', 'CA-7100'));
    const res = await fetch(`${t.runner.url}/webhooks/beta/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acme-signature': sign(body) },
      body,
    });
    expect(res.status).toBe(200);
    const connector = page.getByLabel('Connector', { exact: true });
    await expect
      .poll(() => connector.locator('option').allTextContents())
      .toEqual(['All', 'Acme Telephony (test)', 'Beta Telephony (test)', 'Test sends (this page)']);
    await connector.selectOption('beta');
    await expect.poll(() => shown(2)).toEqual(['beta/events']);
    await connector.selectOption('acme');
    await expect.poll(async () => [...new Set(await shown(2))]).toEqual(['acme/events']);
    await connector.selectOption('');
    await expect.poll(async () => new Set(await shown(2)).size).toBe(2);
  });

  it('filters by agent', async () => {
    const agent = page.getByLabel('Agent', { exact: true });
    await agent.fill('nobody-has-this-login');
    await expect.poll(() => page.locator('#deliveries-table tbody tr').count()).toBe(0);
    await agent.fill('agent.beta');
    await expect.poll(() => shown(5)).toEqual(['agent.beta']);
    await agent.fill('');
  });

  it('filters by status', async () => {
    const status = page.getByLabel('Status', { exact: true });
    await status.selectOption('dead');
    await expect.poll(() => page.locator('#deliveries-table tbody tr').count()).toBe(0);
    await status.selectOption('delivered');
    await expect.poll(async () => [...new Set(await shown(7))]).toEqual(['delivered']);
    await status.selectOption('');
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

  it('shows on the connector card why its latest request was refused', async () => {
    const res = await fetch(`${t.runner.url}/webhooks/beta/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acme-signature': 'f'.repeat(64) },
      body: JSON.stringify(answered('evt-dash-forged', 'agent.beta')),
    });
    expect(res.status).toBe(401);
    const { error } = (await res.json()) as { error: string };
    const note = page.locator('article[data-connector="beta"] [data-last-refusal]');
    await expect.poll(() => note.textContent()).toMatch(/^Last refused at .+: unauthorized: /);
    expect(await note.textContent()).toContain(error.replace(/^unauthorized: /, ''));
    await expect(page.locator('article[data-connector="acme"] [data-last-refusal]').count()).resolves.toBe(0);
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
    await page.getByLabel('Connector', { exact: true }).selectOption('dashboard');
    await expect.poll(() => shown(2)).toEqual(['dashboard/test-send']);
    await page.getByLabel('Connector', { exact: true }).selectOption('');
    expect(t.emulator.messages.slice(before)).toEqual([
      expect.objectContaining({
        agentid: 'agent.test',
        event: 'testing123 ',
        props: expect.objectContaining({ caller: '5551234' }),
      }),
    ]);
  });

  it('test send with a key OpenConnect refuses (401) shows the re-generated-key hint and the pause', async () => {
    // A second runner whose jwt the emulator does not know: what a re-generated key looks like.
    const stale = await startTestRunner({
      emulator: t.emulator,
      env: { TEST_JWT: 'jwt-from-before-the-key-was-regenerated' },
    });
    const other = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    try {
      await other.goto(stale.runner.url);
      await other.getByLabel('Admin token').fill(ADMIN_TOKEN);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await other.getByLabel('Agent id').fill('agent.test');
      await other.getByLabel('PopFlow event').fill('testing123');
      await other.getByRole('button', { name: 'Send', exact: true }).click();
      await expect(other.locator('#test-result .bad').textContent({ timeout: 15_000 })).resolves.toMatch(
        /^Not delivered \(queued\): HTTP 401/,
      );
      await expect(other.locator('#test-result .hints li').allTextContents()).resolves.toContain(
        'The API key was rejected: a key re-generated in Experience Cloud voids the old one. Set the current key of type OpenConnect, then resume delivery.',
      );
      await expect(other.getByRole('alert').textContent({ timeout: 10_000 })).resolves.toContain(
        'Delivery is paused',
      );
    } finally {
      await other.close();
      await stale.close();
    }
  });

  it('shows a pause as an alert whose Resume button resumes delivery', async () => {
    expect((await t.admin('/pause', { method: 'POST' })).status).toBe(200);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Delivery is paused: paused by an operator.');
    await alert.getByRole('button', { name: 'Resume delivery' }).click();
    await expect.poll(() => alert.isHidden()).toBe(true);
    const status = (await (await t.admin('/status')).json()) as { paused: string | null };
    expect(status.paused).toBeNull();
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
    expect(html).not.toContain(ACME_SECRET);
    expect(received.length).toBeGreaterThan(10);
    for (const body of received) {
      expect(body).not.toContain(TEST_JWT);
      expect(body).not.toContain(ACME_SECRET);
    }
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

  it('saves a screenshot of this run under test-output/ for a person to look at', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const file = path.join(OUTPUT, 'dashboard.png');
    const started = Date.now();
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).mtimeMs).toBeGreaterThanOrEqual(started - 1000);
    expect(readFileSync(file).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // PNG signature
  });
});
