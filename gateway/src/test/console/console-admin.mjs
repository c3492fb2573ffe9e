// Drives the fleet console's administration in Debian's headless Chromium for ConsoleAdminBrowserIT, and prints
// one JSON document of what it saw. As the admin: registers a device (a bad IMEI first), edits a policy in the form
// (a bad grace window first) and places a privacy zone on the map, reloads and looks for the zone's centre, makes a
// token (shown once), then revokes it, relabels and removes the device. As a viewer: looks for admin controls and
// tries the admin calls anyway.
//
//   node console-admin.mjs <plan.json>
// plan: { baseUrl, adminToken, viewerToken, policyId, imei, label, tokenName, outDir }
// Every wait is for a selector or a state of the page, bounded by Playwright's timeouts: no fixed sleeps.

import { launchOffline } from './console-browser.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const ADMIN_CONTROLS = ['#manage', '#register-form', '#policy-form', '#token-form', '#tokens', '#admin',
  '#device-form', '#device-remove', '#consent-form', '#export', '#erase'];

const result = { consoleErrors: [], screenshots: [] };
const context = await launchOffline(plan.outDir);
try {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: plan.baseUrl });

  const admin = await signIn(plan.adminToken);
  await admin.waitForSelector('body[data-console="ready"] #manage:not([hidden])');
  await registerDevice(admin);
  await editPolicy(admin);
  await reloadAndLookForTheZone(admin);
  await tokenShownOnceThenRevoked(admin);
  await relabelAndRemove(admin);

  const viewer = await signIn(plan.viewerToken);
  await viewer.waitForSelector('body[data-console="ready"] #devices tbody tr[data-imei]');
  await viewer.locator('#devices tbody tr[data-imei]').first().click();
  await viewer.waitForSelector('body[data-track="shown"], body[data-track="failed"]');
  result.viewerRole = await viewer.locator('#who').innerText();
  result.viewerAdminControlsVisible = [];
  for (const selector of ADMIN_CONTROLS) {
    if (await viewer.locator(selector).isVisible()) result.viewerAdminControlsVisible.push(selector);
  }
  result.viewerButtons = await viewer.locator('button:visible').allInnerTexts();
  result.viewerRefused = await viewer.evaluate(async ({ token, imei, policyId }) => {
    const call = async (method, path, body) => (await fetch(`/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })).status;
    return {
      registerDevice: await call('POST', '/devices', { imei: '356307042441999' }),
      relabel: await call('PATCH', `/devices/${imei}`, { label: 'viewer was here' }),
      editPolicy: await call('PUT', `/policies/${policyId}`, { document: { version: 1 } }),
      createToken: await call('POST', '/tokens', { name: 'viewer', role: 'admin' }),
      listTokens: await call('GET', '/tokens'),
      consent: await call('PUT', `/devices/${imei}/consent`, { location: false }),
    };
  }, { token: plan.viewerToken, imei: plan.viewerImei, policyId: plan.policyId });
  result.screenshots.push(await shot(viewer, 'console-viewer.png'));
} catch (failure) {
  result.failure = String(failure?.stack ?? failure);
  // What the pages said when it failed: the forms' messages and statuses.
  result.failureMessages = [];
  for (const page of context.pages()) {
    result.failureMessages.push(await page.locator('.form-error, .field-error, [role="status"]').allInnerTexts()
      .catch(() => []));
    await shot(page, `console-admin-failure-${context.pages().indexOf(page)}.png`, { fullPage: true }).catch(() => {});
  }
} finally {
  await context.close();
}
console.log(JSON.stringify(result));

/** A bad IMEI first (the API's reason shows beside the IMEI field), then the good one, which joins the list. */
async function registerDevice(page) {
  const form = page.locator('#register-form');
  await form.locator('[name="imei"]').fill('12345');
  await form.locator('button[type="submit"]').click();
  const error = form.locator('.field-error[data-error-for="imei"]');
  await error.waitFor();
  result.imeiError = await error.innerText();
  result.imeiErrorBesideField = await error.evaluate((node) =>
    node.previousElementSibling?.querySelector('[name="imei"]')?.getAttribute('aria-invalid') === 'true');
  await form.locator('[name="imei"]').fill(plan.imei);
  await form.locator('[name="label"]').fill(plan.label);
  await form.locator('[name="policyId"]').selectOption(String(plan.policyId));
  await form.locator('button[type="submit"]').click();
  const row = page.locator(`#devices tbody tr[data-imei="${plan.imei}"]`);
  await row.waitFor();
  result.registeredRow = await row.innerText();
  result.imeiErrorAfter = await form.locator('.field-error').count();
  result.registeredLabelMarkup = await row.locator('b').count();
}

/** A grace window above the API's limit: its reason beside the field; then good values and a zone: version 2. */
async function editPolicy(page) {
  const form = page.locator('#policy-form');
  // A new policy under a name the fleet already has: the API's 409 beside the name field.
  await page.selectOption('#policy-pick', 'new');
  await form.locator('[name="name"]').fill('field-staff');
  await page.click('#policy-save');
  const taken = form.locator('.field-error[data-error-for="name"]');
  await taken.waitFor();
  result.nameTakenError = await taken.innerText();
  await page.selectOption('#policy-pick', String(plan.policyId));
  result.policyFormBefore = {
    grid: await form.locator('[name="gridMetres"]').inputValue(),
    zones: await page.locator('#policy-zones li').allInnerTexts(),
  };
  await form.locator('[name="graceWindow"]').fill('PT2H');
  await page.click('#policy-save');
  const error = form.locator('.field-error[data-error-for="privateTrips.graceWindow"]');
  await error.waitFor();
  result.graceError = await error.innerText();
  result.graceErrorBesideField = await error.evaluate((node) =>
    node.previousElementSibling?.querySelector('[name="graceWindow"]')?.getAttribute('aria-invalid') === 'true');
  result.policyFormMessage = await form.locator('.form-error').innerText();

  await form.locator('[name="graceWindow"]').fill('PT3M');
  await form.locator('[name="gridMetres"]').fill('300');
  await page.check('#schedule-on');
  await form.locator('[name="timeZone"]').fill('Europe/Vilnius');
  await form.locator('[name="day-monday"]').fill('07:00-12:00, 13:00-19:00');
  // A new zone: a click on the map, a name with markup, a radius.
  await page.locator('#zone-map').click({ position: { x: 120, y: 90 } });
  await page.waitForSelector('#zone-map path.pending-zone');
  await page.fill('#zone-name', plan.zoneName);
  await page.fill('#zone-radius', '250');
  await page.click('#zone-add');
  result.zonesBeforeSave = await page.locator('#policy-zones li').allInnerTexts();
  result.pendingAfterAdd = await page.locator('#zone-map path.pending-zone').count();
  const saving = page.waitForRequest((r) => r.method() === 'PUT'
    && new URL(r.url()).pathname === `/api/v1/policies/${plan.policyId}`);
  const answered = page.waitForResponse((r) => r.request().method() === 'PUT'
    && new URL(r.url()).pathname === `/api/v1/policies/${plan.policyId}`);
  await page.click('#policy-save');
  const sent = (await saving).postDataJSON();
  result.saveStatus = (await answered).status();
  const placed = sent.document.zones.find((z) => z.latitude !== undefined);
  result.sentZones = sent.document.zones;
  result.zoneCentre = placed ? { latitude: placed.latitude, longitude: placed.longitude } : null;
  await page.waitForSelector('#policy-status:has-text("version 2")');
  result.policyStatus = await page.locator('#policy-status').innerText();
  result.zonesAfterSave = await zonesListed(page);
  // Overlays only: Leaflet's attribution has an SVG flag of its own.
  result.zoneCirclesAfterSave = await page.locator('#zone-map .leaflet-overlay-pane path').count();
  result.graceErrorsAfterSave = await form.locator('.field-error').count();
  result.screenshots.push(await shot(page, 'console-manage.png', { fullPage: true }));
}

/** After a reload, the saved zone is listed by name and radius, drawn nowhere, and its centre is nowhere. */
async function reloadAndLookForTheZone(page) {
  const bodies = [];
  const collect = (response) => {
    if (!response.url().includes('/fleet/live')) bodies.push(response.text().catch(() => ''));
  };
  page.on('response', collect);
  await page.reload();
  await page.waitForSelector('body[data-console="ready"] #manage:not([hidden])');
  await page.selectOption('#policy-pick', String(plan.policyId));
  await page.locator(`#devices tbody tr[data-imei="${plan.imei}"]`).click();
  await page.waitForSelector('body[data-track="shown"]');
  result.zonesAfterReload = await zonesListed(page);
  result.zoneNameMarkup = await page.locator('#policy-zones li b').count();
  result.zoneDrawingsAfterReload = await page.locator('#zone-map .leaflet-overlay-pane path, #map path.privacy-zone')
    .count();
  result.policyDocumentShown = await page.locator('#policy-document').innerText();
  const text = [await page.content(), ...(await Promise.all(bodies))].join('\n');
  page.off('response', collect);
  result.responsesAfterReload = bodies.length;
  const needles = result.zoneCentre ? [result.zoneCentre.latitude, result.zoneCentre.longitude]
    .flatMap((value) => [String(value), value.toFixed(4)]) : [];
  result.zoneNeedles = needles;
  result.zoneCentreFound = needles.filter((needle) => text.includes(needle));
}

/** A viewer token: its secret shown once (copied, then hidden), listed; revoked after the confirmation. */
async function tokenShownOnceThenRevoked(page) {
  const form = page.locator('#token-form');
  await form.locator('[name="name"]').fill(plan.tokenName);
  await form.locator('[name="role"]').selectOption('viewer');
  await form.locator('[name="expiresIn"]').selectOption('P30D');
  await form.locator('button[type="submit"]').click();
  await page.waitForSelector('#token-secret:not([hidden])');
  result.secretWarning = await page.locator('#token-secret .warning').innerText();
  const secret = await page.locator('#token-secret-value').inputValue();
  result.secretPrefix = secret.slice(0, 4);
  result.secretWorks = await status(page, secret);
  await page.click('#token-copy');
  await page.waitForSelector('#token-copy-status:has-text("Cop")');
  result.copyStatus = await page.locator('#token-copy-status').innerText();
  result.clipboardHoldsSecret = (await page.evaluate(() => navigator.clipboard.readText())) === secret;
  await page.click('#token-done');
  await page.waitForSelector('#token-secret', { state: 'hidden' });
  result.secretStillInPage = (await page.content()).includes(secret)
    || (await page.locator('#token-secret-value').inputValue()) === secret;
  const row = page.locator('#tokens tbody tr', { hasText: plan.tokenName });
  result.tokenRow = await row.innerText();
  result.tokenNameMarkup = await page.locator('#tokens tbody i').count();
  await row.locator('button', { hasText: 'Revoke' }).click();
  await page.waitForSelector('#confirm[open]');
  result.revokeQuestion = await page.locator('#confirm-text').innerText();
  await page.click('#confirm-yes');
  await page.locator('#tokens tbody tr.revoked', { hasText: plan.tokenName }).waitFor();
  result.tokenRowAfterRevoke = await page.locator('#tokens tbody tr', { hasText: plan.tokenName }).innerText();
  result.secretAfterRevoke = await status(page, secret);
}

/** The shown device renamed in its own form, then removed after the confirmation. */
async function relabelAndRemove(page) {
  const form = page.locator('#device-form');
  await form.locator('[name="label"]').fill(plan.relabel);
  await form.locator('button[type="submit"]').click();
  await page.locator(`#devices tbody tr[data-imei="${plan.imei}"]`, { hasText: plan.relabel }).waitFor();
  result.relabelledRow = await page.locator(`#devices tbody tr[data-imei="${plan.imei}"]`).innerText();
  await page.click('#device-remove');
  await page.waitForSelector('#confirm[open]');
  result.removeQuestion = await page.locator('#confirm-text').innerText();
  await page.click('#confirm-yes');
  await page.waitForSelector(`#devices tbody tr[data-imei="${plan.imei}"]`, { state: 'detached' });
  result.removeStatus = await page.locator('#manage-status').innerText();
}

/** The zones the policy form lists: name and radius as in their fields, and what the row says of the centre. */
function zonesListed(page) {
  return page.locator('#policy-zones li.zone').evaluateAll((rows) => rows.map((row) => ({
    name: row.querySelector('input[data-field$=".name"]').value,
    radius: row.querySelector('input[data-field$=".radiusMetres"]').value,
    centre: row.querySelector('.sealed').textContent,
  })));
}

/** The status the API gives `token` for the device list (from the page, like any client of the API). */
function status(page, token) {
  return page.evaluate(async (secret) => (await fetch('/api/v1/devices',
    { headers: { Authorization: `Bearer ${secret}` } })).status, token);
}

async function signIn(token) {
  const page = await context.newPage(); // a new tab: its own sessionStorage, so its own sign-in
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      result.consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => result.consoleErrors.push(String(error)));
  await page.goto(plan.baseUrl + '/');
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
