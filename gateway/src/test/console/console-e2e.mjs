// Drives the fleet console in Debian's headless Chromium for ConsoleBrowserIT, and prints one JSON document of
// what it saw. The Java test seeds the gateway, runs this, and asserts on the result.
//
//   node console-e2e.mjs <plan.json>
// plan: { baseUrl, adminToken, driverToken, imei, day, consentReason, driverZoneName, privateNeedles: [...],
//         businessNeedles: [...], outDir }
// As the admin it also grants one consent flag, exports the device (reading the downloaded file) and erases the
// shown day; as the driver it switches private mode on and places a zone of its own on the map.
// Every wait is for a selector or a state of the page, bounded by Playwright's timeouts: no fixed sleeps.

import { launchOffline } from './console-browser.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const result = { responses: 0, consoleErrors: [], screenshots: [] };
const bodies = []; // every response body the console received, as text
const context = await launchOffline(plan.outDir);
try {
  context.on('response', (response) => {
    result.responses++;
    // The live stream never ends while its page is open: the page's own copy of it is searched instead.
    if (!response.url().includes('/fleet/live')) bodies.push(response.text().catch(() => ''));
  });
  await context.addInitScript(() => {
    window.__live = '';
    const original = window.fetch;
    window.fetch = async (...args) => {
      const response = await original(...args);
      if (!String(args[0]?.url ?? args[0]).includes('/fleet/live') || !response.body) return response;
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

  const admin = await signIn(plan.adminToken);
  await admin.waitForSelector('body[data-track="shown"]');
  await admin.waitForSelector('#map path.business-trip');
  result.businessLines = await admin.locator('#map path.business-trip').count();
  result.coarseCells = await admin.locator('#map path.coarse-cell').count();
  result.zones = await admin.locator('#map path.privacy-zone').count();
  result.privateTripRows = await admin.locator('#trips tr.private-trip').allInnerTexts();
  result.businessTripRows = await admin.locator('#trips tr.business-trip-row').allInnerTexts();
  result.devicesListed = await admin.locator('#devices tbody tr').allInnerTexts();
  result.auditRows = await admin.locator('#audit tbody tr').count();
  result.consentHistoryRows = await admin.locator('#consent-history tbody tr').count();
  result.policyShown = (await admin.locator('#policy-document').innerText()).includes('gridMetres');
  result.screenshots.push(await shot(admin, 'console-admin.png', { fullPage: true }));

  await changeConsent(admin);
  await exportDevice(admin);
  await eraseShownDay(admin);
  result.screenshots.push(await shot(admin, 'console-admin-after.png', { fullPage: true }));
  const adminPage = await admin.content() + await admin.evaluate(() => window.__live);

  const driver = await signIn(plan.driverToken);
  await driver.waitForSelector('#driver:not([hidden]) #private-switch[aria-checked="false"]');
  await driver.click('#private-switch');
  await driver.waitForSelector('#private-switch[aria-checked="true"]');
  result.privateUntilText = await driver.locator('#private-until').innerText();
  result.screenshots.push(await shot(driver, 'console-driver.png'));
  const driverPage = await driver.content() + await driver.evaluate(() => window.__live);
  await placeDriverZone(driver);

  // Everything the browser was sent or shows, searched for any coordinate of the private trip.
  const everything = [adminPage, driverPage, ...(await Promise.all(bodies))].join('\n');
  result.privateLeaks = plan.privateNeedles.filter((needle) => everything.includes(needle));
  result.businessFound = plan.businessNeedles.filter((needle) => everything.includes(needle));
} catch (failure) {
  result.failure = String(failure?.stack ?? failure);
} finally {
  await context.close();
}
console.log(JSON.stringify(result));

/** Grants location with a reason that is markup (it must show as text) and waits for it in the history. */
async function changeConsent(page) {
  await page.selectOption('#consent-location', 'true');
  await page.fill('#consent-reason', plan.consentReason);
  await page.click('#consent-save');
  const { question, response } = await confirm(page, (r) => r.request().method() === 'PUT'
    && new URL(r.url()).pathname === `/api/v1/devices/${plan.imei}/consent`);
  result.consentQuestion = question;
  result.consentStatus = response.status();
  const added = page.locator('#consent-history tbody tr', { hasText: plan.consentReason });
  await added.waitFor();
  result.consentHistoryRowsAfter = await page.locator('#consent-history tbody tr').count();
  result.consentNewestRow = await page.locator('#consent-history tbody tr').first().innerText();
  result.consentCurrent = await page.locator('#consent-current').innerText();
  result.consentReasonMarkup = await page.locator('#consent-history tbody i').count(); // 0: shown as text
}

/** Exports after the confirmation and reads the downloaded file. */
async function exportDevice(page) {
  await page.click('#export');
  await page.waitForSelector('#confirm[open]');
  result.exportQuestion = await page.locator('#confirm-text').innerText();
  const downloading = page.waitForEvent('download');
  await page.click('#confirm-yes');
  const download = await downloading;
  result.exportFileName = download.suggestedFilename();
  const file = join(plan.outDir, 'export.json');
  await download.saveAs(file);
  const text = readFileSync(file, 'utf8');
  const exported = JSON.parse(text);
  result.exportImei = exported.device?.imei;
  result.exportPositions = exported.positions.length;
  result.exportLocatedPositions = exported.positions
    .filter((p) => Number.isFinite(p.latitude) && Number.isFinite(p.longitude)).length;
  result.exportTrips = exported.trips.length;
  result.exportBusinessFound = plan.businessNeedles.filter((needle) => text.includes(needle));
  result.exportPrivateLeaks = plan.privateNeedles.filter((needle) => text.includes(needle));
  await page.waitForSelector('#admin-status:has-text("Exported")');
}

/** Erases the shown day (it holds both trips), then waits for the emptied track and the erasure's audit row. */
async function eraseShownDay(page) {
  await page.click('#erase');
  const { question, response } = await confirm(page, (r) => r.request().method() === 'POST'
    && new URL(r.url()).pathname === `/api/v1/devices/${plan.imei}/erase`);
  result.eraseQuestion = question;
  result.eraseStatus = response.status();
  result.erase = await response.json();
  await page.waitForSelector('#admin-status:has-text("Erased")');
  await page.waitForSelector('#trips td.empty');
  await page.waitForSelector('body[data-track="shown"]');
  await page.locator('#audit tbody td:nth-child(3)', { hasText: /^erase$/ }).first().waitFor();
  result.eraseMessage = await page.locator('#admin-status').innerText();
  result.trackStatusAfterErase = await page.locator('#track-status').innerText();
}

/**
 * The driver places a zone of their own on the map; after a reload it is listed by name and radius, drawn nowhere,
 * and its centre is in neither the page nor any answer the page received.
 */
async function placeDriverZone(page) {
  await page.waitForSelector('#driver-zones li');
  await page.locator('#driver-zone-map').click({ position: { x: 100, y: 80 } });
  await page.waitForSelector('#driver-zone-map path.pending-zone');
  await page.fill('#driver-zone-form [name="name"]', plan.driverZoneName);
  await page.fill('#driver-zone-radius', '200');
  const saving = page.waitForRequest((r) => r.method() === 'POST'
    && new URL(r.url()).pathname === `/api/v1/devices/${plan.imei}/zones`);
  await page.click('#driver-zone-save');
  const sent = (await saving).postDataJSON();
  await page.locator('#driver-zones li.zone', { hasText: plan.driverZoneName }).waitFor();
  result.driverZoneSent = sent;
  result.driverZoneDrawingsAfterSave = await page.locator('#driver-zone-map .leaflet-overlay-pane path').count();
  const after = [];
  const collect = (response) => {
    if (!response.url().includes('/fleet/live')) after.push(response.text().catch(() => ''));
  };
  page.on('response', collect);
  await page.reload();
  await page.waitForSelector('#driver:not([hidden])');
  await page.locator('#driver-zones li.zone', { hasText: plan.driverZoneName }).waitFor();
  await page.waitForSelector('body[data-track="shown"]');
  result.driverZonesAfterReload = await page.locator('#driver-zones li.zone').allInnerTexts();
  result.driverZoneMarkup = await page.locator('#driver-zones li.zone b').count();
  result.driverZoneDrawingsAfterReload = await page
    .locator('#driver-zone-map .leaflet-overlay-pane path, #map path.privacy-zone').count();
  const text = [await page.content(), await page.evaluate(() => window.__live), ...(await Promise.all(after))]
    .join('\n');
  page.off('response', collect);
  result.driverResponsesAfterReload = after.length;
  result.driverZoneNeedles = [sent.latitude, sent.longitude].flatMap((value) => [String(value), value.toFixed(4)]);
  result.driverZoneCentreFound = result.driverZoneNeedles.filter((needle) => text.includes(needle));
}

/** Answers the page's confirmation dialog with yes; returns its question and the response it let through. */
async function confirm(page, isResponse) {
  await page.waitForSelector('#confirm[open]');
  const question = await page.locator('#confirm-text').innerText();
  const responding = page.waitForResponse(isResponse);
  await page.click('#confirm-yes');
  return { question, response: await responding };
}

async function signIn(token) {
  const page = await context.newPage(); // a new tab: its own sessionStorage, so its own sign-in
  page.on('console', (message) => {
    // Tiles are cut off on purpose (offline); any other error is the console's and fails the test.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      result.consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => result.consoleErrors.push(String(error)));
  await page.goto(`${plan.baseUrl}/?device=${plan.imei}&from=${plan.day}&to=${plan.day}`);
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
