// Debian's Chromium for the dashboard tests (never a downloaded browser), with the flags this closed network
// needs (no background requests to Google's hosts), signed in to a runner's dashboard.
import { type Browser, chromium, type Page } from 'playwright-core';
import { ADMIN_TOKEN } from './runner.js';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** A page whose every answer body is kept in `received`, to prove no secret ever reaches the browser. */
export async function recordingPage(browser: Browser, received: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.on('response', async (response) => {
    try {
      received.push(await response.text());
    } catch {
      // redirects and aborted requests have no body
    }
  });
  return page;
}

/** Signs in with the admin token, then opens `path` (e.g. `/?refresh=250`). */
export async function signIn(page: Page, url: string, path: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Live deliveries' }).waitFor();
  await page.goto(`${url}${path}`);
}
