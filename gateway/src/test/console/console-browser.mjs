// The browser every console script drives: Debian's headless Chromium through Playwright, in a fresh profile under
// outDir, with a 30 s default timeout, and offline: any request to a host other than this machine fails, so no
// tile or script from elsewhere ever arrives.

import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';

export const TIMEOUT = 30_000;
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

export async function launchOffline(outDir) {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(outDir, 'profile-')), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true, // Playwright passes --headless itself
    args: FLAGS,
    viewport: { width: 1360, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  context.setDefaultTimeout(TIMEOUT);
  await context.route((url) => !url.host.startsWith('127.0.0.1') && !url.host.startsWith('localhost'),
    (route) => route.abort('internetdisconnected'));
  return context;
}
