// Drives the fleet console's live map in Debian's headless Chromium for ConsoleLiveBrowserIT, and prints one JSON
// document of what it saw. The Java test seeds the gateway and the frames; this script plays the device itself
// (the Teltonika handshake and one frame over TCP) while the page is open, so the new position must arrive live.
//
//   node console-live.mjs <plan.json>
// plan: { baseUrl, devicePort, adminToken, viewerToken, moving: {imei, handshake, frame, records, time},
//         markup: {imei, label, handshake, frame, time, erasedFrom, timeLeft}, otherImei, privateImei, coarseImei, privateNeedles: [...],
//         rawCoarseNeedles: [...], movedNeedles: [...], searchText, outDir }
// Every wait is for a selector or a state of the page, bounded by Playwright's timeouts: no fixed sleeps.

import { launchOffline, TIMEOUT } from './console-browser.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const result = { consoleErrors: [], screenshots: [] };
let admin = null;
const context = await launchOffline(plan.outDir);
try {
  // Keeps a copy of every byte of the live stream the page reads, for the leak checks.
  await context.addInitScript(() => {
    window.__live = '';
    const original = window.fetch;
    window.fetch = async (...args) => {
      const response = await original(...args);
      const url = String(args[0]?.url ?? args[0]);
      if (!url.includes('/fleet/live') || !response.body) return response;
      const [copy, page] = response.body.tee();
      (async () => {
        const reader = copy.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          window.__live += decoder.decode(value, { stream: true });
        }
      })();
      return new Response(page, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
  });

  admin = await signIn(plan.adminToken);
  await admin.waitForSelector('body[data-live="live"]');
  const movingPin = `#fleet-map .live-pin [data-imei="${plan.moving.imei}"]`;
  await admin.waitForSelector(movingPin);
  await admin.waitForSelector(`#fleet-map .live-pin [data-imei="${plan.coarseImei}"]`);
  await admin.waitForSelector(`#devices tbody tr[data-imei="${plan.privateImei}"]`);
  result.movingTimeBefore = await admin.locator(movingPin).getAttribute('data-time');
  result.privatePins = await admin.locator(`#fleet-map [data-imei="${plan.privateImei}"]`).count();
  result.privateRow = await admin.locator(`#devices tbody tr[data-imei="${plan.privateImei}"]`).innerText();
  result.pinsBefore = await admin.locator('#fleet-map .live-pin').count();

  // The device reports a new position while the page stays open: no reload.
  const sent = await sendFrame(plan.moving);
  result.movingAck = sent.ack;
  await admin.waitForSelector(`${movingPin}[data-time="${plan.moving.time}"]`, { timeout: 10_000 });
  result.ackToPinMillis = Date.now() - sent.at; // informational: commit, NOTIFY, read, SSE, render
  result.movingRow = await admin.locator(`#devices tbody tr[data-imei="${plan.moving.imei}"]`).innerText();
  result.liveStatus = await admin.locator('#live-status').innerText();
  result.screenshots.push(await shot(admin, 'console-live.png'));

  // Search and filter.
  await admin.fill('#device-search', plan.searchText);
  result.searchRows = await admin.locator('#devices tbody tr[data-imei]').allInnerTexts();
  await admin.fill('#device-search', '');
  await admin.selectOption('#device-filter', 'private');
  result.privateFilterRows = await admin.locator('#devices tbody tr[data-imei]').evaluateAll(
    (rows) => rows.map((row) => row.dataset.imei));
  await admin.selectOption('#device-filter', 'all');

  // Keyboard: Tab to the list, arrows along it, Enter opens the device's day.
  const first = admin.locator('#devices tbody tr[data-imei]').first();
  await first.focus();
  await admin.keyboard.press('ArrowDown');
  result.focusedAfterArrow = await admin.evaluate(() => document.activeElement?.dataset?.imei ?? null);
  await admin.keyboard.press('Enter');
  await admin.waitForSelector('#track-card:not([hidden])');
  await admin.waitForSelector('body[data-track="shown"]');
  result.trackTitle = await admin.locator('#device-title').innerText();
  result.openedImei = result.focusedAfterArrow;

  // A label with markup arrives with the device's next position: shown as text, on the map and in the list.
  const patched = await fetch(`${plan.baseUrl}/api/v1/devices/${plan.markup.imei}`, {
    method: 'PATCH', headers: { Authorization: `Bearer ${plan.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ label: plan.markup.label }),
  });
  result.markupPatchStatus = patched.status;
  await sendFrame(plan.markup);
  const markupPin = `#fleet-map .live-pin [data-imei="${plan.markup.imei}"][data-time="${plan.markup.time}"]`;
  await admin.waitForSelector(markupPin);
  result.markupPinText = await admin.locator(markupPin).innerText();
  result.markupElements = await admin.locator('#fleet-map .live-pin b, #devices tbody b').count();
  const adminPage = await admin.content();
  const adminLive = await admin.evaluate(() => window.__live);

  const viewer = await signIn(plan.viewerToken);
  await viewer.waitForSelector('body[data-live="live"]');
  await viewer.waitForSelector(`#fleet-map .live-pin [data-imei="${plan.moving.imei}"][data-time="${plan.moving.time}"]`);
  await viewer.waitForSelector(`#fleet-map .live-pin [data-imei="${plan.coarseImei}"]`);
  result.viewerPrivatePins = await viewer.locator(`#fleet-map [data-imei="${plan.privateImei}"]`).count();
  const viewerPage = await viewer.content();
  const viewerLive = await viewer.evaluate(() => window.__live);
  result.viewerLiveEvents = viewerLive.split('\n').filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)));

  // Erased and deleted elsewhere (the API, as another admin's page would): the open page follows, without a reload.
  const auth = { Authorization: `Bearer ${plan.adminToken}` };
  const erased = await fetch(`${plan.baseUrl}/api/v1/devices/${plan.markup.imei}/erase?from=${plan.markup.erasedFrom}`
    + '&to=9999-01-01T00:00:00Z', { method: 'POST', headers: auth });
  result.markupEraseStatus = erased.status;
  const leftPin = `#fleet-map .live-pin [data-imei="${plan.markup.imei}"][data-time="${plan.markup.timeLeft}"]`;
  await admin.waitForSelector(leftPin).catch(() => {});
  result.markupTimeAfterErasure = await admin.locator(`#fleet-map .live-pin [data-imei="${plan.markup.imei}"]`)
    .getAttribute('data-time');
  const deleted = await fetch(`${plan.baseUrl}/api/v1/devices/${plan.otherImei}`, { method: 'DELETE', headers: auth });
  result.otherDeleteStatus = deleted.status;
  const otherRow = `#devices tbody tr[data-imei="${plan.otherImei}"]`;
  await admin.waitForSelector(otherRow, { state: 'detached' }).catch(() => {});
  result.otherPinsAfterDelete = await admin.locator(`#fleet-map [data-imei="${plan.otherImei}"]`).count();
  result.otherRowsAfterDelete = await admin.locator(otherRow).count();

  const everything = [adminPage, adminLive, viewerPage, viewerLive].join('\n');
  result.liveBytes = adminLive.length + viewerLive.length;
  result.privateLeaks = plan.privateNeedles.filter((needle) => everything.includes(needle));
  result.rawCoarseLeaks = plan.rawCoarseNeedles.filter((needle) => everything.includes(needle));
  result.movedFound = plan.movedNeedles.filter((needle) => adminLive.includes(needle));
} catch (failure) {
  result.failure = String(failure?.stack ?? failure);
  // What the admin's page had received, to tell a late event from a missing or different one.
  result.adminLive = await admin?.evaluate(() => window.__live).catch(() => null);
} finally {
  await context.close();
}
console.log(JSON.stringify(result));

/** Plays the device: handshake, one frame, and the acknowledgement (the record count, after the commit). */
function sendFrame({ handshake, frame }) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(plan.devicePort, '127.0.0.1');
    let stage = 'handshake';
    let received = Buffer.alloc(0);
    socket.setTimeout(TIMEOUT, () => socket.destroy(new Error(`no answer from the gateway (${stage})`)));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(Buffer.from(handshake, 'hex')));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (stage === 'handshake' && received.length >= 1) {
        if (received[0] !== 1) return reject(new Error('handshake refused'));
        received = received.subarray(1);
        stage = 'ack';
        socket.write(Buffer.from(frame, 'hex'));
      }
      if (stage === 'ack' && received.length >= 4) {
        const at = Date.now();
        socket.end();
        resolve({ ack: received.readUInt32BE(0), at });
      }
    });
  });
}

async function signIn(token) {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      result.consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => result.consoleErrors.push(String(error)));
  await page.goto(`${plan.baseUrl}/`);
  await page.click('#token-option summary'); // a token is the page's second way in, after the password
  await page.fill('#token', token);
  await page.click('#token-sign-in button[type="submit"]');
  await page.waitForSelector('#console:not([hidden])');
  return page;
}

async function shot(page, name, options = {}) {
  const path = join(plan.outDir, name);
  await page.screenshot({ path, ...options });
  return path;
}
