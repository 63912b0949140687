// A real headless Chromium (Debian's /usr/bin/chromium, installed by scripts/setup.sh) driven by
// playwright-core, with a fresh profile and none of the browser's own background traffic, which this
// closed network refuses.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A browser whose every request carries headers (e.g. a bearer token). */
export async function openBrowser(headers: Record<string, string> = {}): Promise<Browser> {
  await fs.access(CHROMIUM).catch(() => {
    throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh as root (it installs Debian's chromium package)`);
  });
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'adclick-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, extraHTTPHeaders: headers });
  return {
    context,
    async close() {
      await context.close();
      await fs.rm(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did besides drawing: console errors, uncaught exceptions, dialogs, every request and the failed ones. */
export interface PageTrace {
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  requests: string[];
  failedRequests: string[];
}

export function tracePage(page: Page): PageTrace {
  const trace: PageTrace = { consoleErrors: [], pageErrors: [], dialogs: [], requests: [], failedRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') trace.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => trace.pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    trace.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => trace.requests.push(request.url()));
  page.on('requestfailed', (request) => trace.failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
  return trace;
}
