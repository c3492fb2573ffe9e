// Drives the console's password sign-in in Debian's headless Chromium for ConsoleAccountsBrowserIT, and prints one
// JSON document of what it saw: a wrong password refused, the right one signs in (an HttpOnly, SameSite=Strict
// cookie the page's script cannot read), the fleet shown, still signed in after a reload, a user made in the page,
// the admin's own password changed, signed out (the old session refused by the API), then a user's wrong passwords until the account locks.
//
//   node console-accounts.mjs <plan.json>
// plan: { baseUrl, fleet, username, password, changedPassword, newUser, newPassword, outDir }
// Every wait is for a selector or a state of the page, bounded by Playwright's timeouts: no fixed sleeps.

import { launchOffline } from './console-browser.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const result = { consoleErrors: [], screenshots: [], lockout: [] };
const context = await launchOffline(plan.outDir);
try {
  const page = await open();

  // A wrong password: refused in the form, nothing shown of the fleet.
  result.wrong = await attempt(page, plan.username, 'not the password at all');

  // The right one: the fleet, and who is signed in.
  await fill(page, plan.username, plan.password);
  await page.click('#sign-in button[type="submit"]');
  await page.waitForSelector('#console:not([hidden])');
  await page.waitForSelector('#devices tbody tr[data-imei]');
  result.who = await page.locator('#who').innerText();
  result.deviceRows = await page.locator('#devices tbody tr[data-imei]').count();
  result.signedInKind = await page.evaluate(() => document.body.dataset.signedIn);
  const cookie = (await context.cookies(plan.baseUrl)).find((c) => c.name === 'telemask_session');
  result.cookie = cookie ? { httpOnly: cookie.httpOnly, sameSite: cookie.sameSite, path: cookie.path,
    secure: cookie.secure } : null;
  result.scriptSeesCookie = await page.evaluate(() => document.cookie.includes('telemask_session'));
  result.tokenInStorage = await page.evaluate(() => sessionStorage.getItem('telemask.token'));
  result.screenshots.push(await shot(page, 'console-signed-in.png'));

  // A reload keeps the session (the page asks the API who is signed in) and its CSRF token.
  await page.reload();
  await page.waitForSelector('#console:not([hidden])');
  await page.waitForSelector('body[data-console="ready"] #manage:not([hidden])');
  result.whoAfterReload = await page.locator('#who').innerText();

  // An admin makes a user in the page: a change by cookie, so the page sends the CSRF token.
  const form = page.locator('#user-form');
  await form.locator('[name="username"]').fill(plan.newUser);
  await form.locator('[name="password"]').fill('short');
  await form.locator('button[type="submit"]').click();
  const tooShort = form.locator('.field-error[data-error-for="password"]');
  await tooShort.waitFor();
  result.shortPasswordError = await tooShort.innerText();
  await form.locator('[name="password"]').fill(plan.newPassword);
  await form.locator('button[type="submit"]').click();
  const row = page.locator(`#users tbody tr[data-username="${plan.newUser}"]`);
  await row.waitFor();
  result.newUserRow = await row.innerText();
  result.newUserRole = await row.locator('select').inputValue();

  // The admin's own password: the wrong current one is refused beside its field, then it changes.
  await page.click('#own-password-area summary');
  const own = page.locator('#own-password');
  await own.locator('[name="currentPassword"]').fill('not my password');
  await own.locator('[name="newPassword"]').fill(plan.changedPassword);
  await own.locator('button[type="submit"]').click();
  const wrongCurrent = own.locator('.field-error[data-error-for="currentPassword"]');
  await wrongCurrent.waitFor();
  result.wrongCurrentPassword = await wrongCurrent.innerText();
  await own.locator('[name="currentPassword"]').fill(plan.password);
  await own.locator('[name="newPassword"]').fill(plan.changedPassword);
  await own.locator('button[type="submit"]').click();
  await page.waitForSelector('#own-password-status:has-text("Password changed")');
  result.passwordChanged = await page.locator('#own-password-status').innerText();
  result.stillSignedIn = await page.evaluate(async () => (await fetch('/api/v1/session')).status);

  // Sign out: the page returns to the sign-in form, and the API refuses the old session.
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in-area:not([hidden])');
  result.afterSignOut = await page.evaluate(async () => (await fetch('/api/v1/devices')).status);
  result.cookieAfterSignOut = (await context.cookies(plan.baseUrl)).some((c) => c.name === 'telemask_session');

  // Wrong passwords for the new user until its account locks: the page says so, without telling more.
  for (let i = 0; i < 6; i++) {
    result.lockout.push(await attempt(page, plan.newUser, `wrong password ${i}`));
  }
  result.lockedWithRightPassword = await attempt(page, plan.newUser, plan.newPassword);
  result.screenshots.push(await shot(page, 'console-locked.png'));
} catch (failure) {
  result.failure = String(failure?.stack ?? failure);
  for (const page of context.pages()) {
    await shot(page, `console-accounts-failure-${context.pages().indexOf(page)}.png`, { fullPage: true })
      .catch(() => {});
  }
} finally {
  await context.close();
}
console.log(JSON.stringify(result));

async function open() {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      result.consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => result.consoleErrors.push(String(error)));
  await page.goto(plan.baseUrl + '/');
  await page.waitForSelector('#sign-in-area:not([hidden])');
  return page;
}

async function fill(page, username, password) {
  await page.fill('#fleet', plan.fleet);
  await page.fill('#username', username);
  await page.fill('#password', password);
}

/** One refused sign-in: the status the page saw and the message it showed. */
async function attempt(page, username, password) {
  await page.evaluate(() => {
    delete document.body.dataset.signIn;
    document.querySelector('#sign-in-error').textContent = '';
  });
  await fill(page, username, password);
  await page.click('#sign-in button[type="submit"]');
  await page.waitForSelector('body[data-sign-in]');
  return {
    status: await page.evaluate(() => document.body.dataset.signIn),
    message: await page.locator('#sign-in-error').innerText(),
    passwordCleared: (await page.inputValue('#password')) === '',
  };
}

async function shot(page, name, options = {}) {
  const path = join(plan.outDir, name);
  await page.screenshot({ path, ...options });
  return path;
}
