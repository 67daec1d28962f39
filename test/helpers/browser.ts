/**
 * The dashboard's browser tests: Debian's chromium driven by playwright-core
 * against the app on a local port. `npm test` installs chromium when it is
 * missing (test/system-packages.txt); a browser is never downloaded.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's chromium, launched once for the file (a launch costs a core for
 * a second or more) and closed when its tests end; each test opens its
 * pages in a context of its own (`browser.newPage()`), closed after it, so
 * no cookie, storage or cache passes from one test to the next.
 */
let launched: Promise<Browser> | null = null;
function sharedBrowser(): Promise<Browser> {
  if (launched === null) {
    launched = chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    t.teardown(async () => (await launched!).close());
  }
  return launched;
}

/** The app listening on a free local port, and the file's chromium to open it; the app and the test's pages closed after the test. */
export async function served(t: Test, app: FastifyInstance): Promise<{ origin: string; browser: Pick<Browser, 'newPage'> }> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const shared = await sharedBrowser();
  const browser = {
    newPage: async (...args: Parameters<Browser['newPage']>) => {
      const page = await shared.newPage(...args);
      t.teardown(() => page.context().close());
      return page;
    },
  };
  return { origin, browser };
}

/** The page's uncaught errors and console errors, collected from now on: a test ends by expecting none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}
