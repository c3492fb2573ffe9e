// The fleet console: signs in with fleet, username and password (or a pasted token), then shows the fleet live
// (every device at its newest masked position, updated as records are committed), one device's masked day of
// track and trips, and what the caller's role may do with it. Everything comes from the fleet API, under its rules.

import { $, fill } from './dom.js';
import { Api, ApiFailure } from './api.js';
import { session } from './session.js';
import { renderDevices, markSelected, matching, isOnline } from './device-list.js';
import { FleetMap } from './fleet-map.js';
import { LiveFeed } from './live-feed.js';
import { renderTrips } from './trip-list.js';
import { TrackMap } from './track-map.js';
import { PrivateSwitch } from './private-switch.js';
import { AdminPanel } from './admin-panel.js';
import { DeviceAdmin } from './device-admin.js';
import { PolicyForm } from './policy-form.js';
import { TokenAdmin } from './token-admin.js';
import { UserAdmin } from './user-admin.js';
import { OwnPassword } from './own-password.js';
import { DriverZones } from './driver-zones.js';
import { defaultDays, toWindow } from './day-range.js';

const state = {
  api: null, role: null, policies: new Map(), device: null, map: null, devices: [], live: new Map(), fleet: null,
};
let listPending = false;

async function start() {
  $('#sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    signInWithPassword();
  });
  $('#token-sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    signInWithToken($('#token').value.trim());
  });
  $('#sign-out').addEventListener('click', () => signOut());
  $('#range').addEventListener('submit', (event) => {
    event.preventDefault();
    if (state.device) showTrack();
  });
  const days = defaultDays();
  const query = new URLSearchParams(window.location.search);
  $('#from').value = query.get('from') ?? days.fromDay;
  $('#to').value = query.get('to') ?? days.toDay;
  if (session.token()) {
    await signInWithToken(session.token());
    return;
  }
  // A session cookie from an earlier sign-in in this browser: the API says whether it still holds.
  try {
    const me = await new Api().whoAmI();
    await enter(new Api({ csrf: me.csrfToken }), me);
  } catch (failure) {
    if (!(failure instanceof ApiFailure && failure.status === 401)) {
      $('#sign-in-error').textContent = `Cannot reach the gateway: ${failure.message}`;
    }
  }
}

async function signInWithPassword() {
  const form = $('#sign-in');
  const body = {
    tenant: form.elements.tenant.value.trim(),
    username: form.elements.username.value.trim(),
    password: form.elements.password.value,
  };
  $('#sign-in-error').textContent = '';
  let me;
  try {
    me = await new Api().post('/session', body);
  } catch (failure) {
    form.elements.password.value = '';
    $('#sign-in-error').textContent = signInRefusal(failure);
    document.body.dataset.signIn = failure instanceof ApiFailure ? String(failure.status) : 'failed';
    return;
  }
  form.elements.password.value = '';
  await enter(new Api({ csrf: me.csrfToken }), me);
}

function signInRefusal(failure) {
  if (!(failure instanceof ApiFailure)) return `Cannot sign in: ${failure.message}`;
  return {
    401: 'The fleet, username or password is wrong.',
    423: 'Too many failed sign-ins: this account is locked for now. Try again later, or ask an admin to unlock it.',
    429: 'Too many failed sign-ins from here: try again later.',
  }[failure.status] ?? `Cannot sign in: ${failure.message}`;
}

async function signInWithToken(token) {
  const api = new Api({ token });
  let me;
  try {
    me = await api.whoAmI();
  } catch (failure) {
    session.signOut();
    $('#token-sign-in-error').textContent = failure instanceof ApiFailure && failure.status === 401
      ? 'That token is unknown, revoked or expired.' : `Cannot sign in: ${failure.message}`;
    return;
  }
  session.signIn(token);
  await enter(api, me);
}

async function signOut() {
  state.feed?.stop();
  if (session.token()) {
    session.signOut();
  } else {
    // The session ends on the server: the cookie, if kept anywhere, no longer signs anyone in.
    await state.api?.delete('/session').catch(() => {});
  }
  window.location.replace(window.location.pathname);
}

async function enter(api, me) {
  state.role = me.role;
  state.api = api;
  $('#sign-in-area').hidden = true;
  $('#console').hidden = false;
  $('#sign-out').hidden = false;
  $('#who').hidden = false;
  $('#who').textContent = me.kind === 'session'
    ? `${me.username} · ${me.role} · fleet ${me.tenant}` : `signed in as ${me.role} (token ${me.name})`;
  document.body.dataset.role = state.role;
  document.body.dataset.signedIn = me.kind;
  if (me.kind === 'session') state.ownPassword = new OwnPassword(api);
  const config = await fetch('/console/config.json').then((r) => r.json());
  state.fleet = new FleetMap($('#fleet-map'), config, (imei) => {
    const device = state.devices.find((d) => d.imei === imei);
    if (device) pick(device);
  });
  state.map = new TrackMap($('#map'), config);
  $('#device-search').addEventListener('input', () => renderList());
  $('#device-filter').addEventListener('change', () => renderList());
  state.switch = new PrivateSwitch(api, (device) => { state.device = device; showDevices(); });
  state.admin = state.role === 'admin' ? new AdminPanel(api, () => showTrack()) : null;
  state.driverZones = state.role === 'driver' ? new DriverZones(api, config) : null;
  // Only an admin's page has the controls that change the fleet (the API refuses them to others anyway).
  if (state.role === 'admin') {
    state.devicesAdmin = new DeviceAdmin(api, deviceChanged, deviceRemoved);
    state.policyForm = new PolicyForm(api, config, policySaved);
    state.tokens = new TokenAdmin(api);
    state.users = new UserAdmin(api, me.kind === 'session' ? me.userId : null);
    $('#manage').hidden = false;
  }
  await showDevices();
  if (state.policyForm) {
    state.policyForm.setPolicies([...state.policies.values()]);
    await state.tokens.list();
    await state.users.list();
  }
  state.feed = new LiveFeed(api, {
    onDevice: liveDevice, onRemoved: ({ imei }) => deviceRemoved(imei), onState: liveState,
  }).start();
  // Online means heard of within minutes: recount as time passes, without waiting for the next event.
  setInterval(() => renderList(), 30_000);
  const only = state.devices.length === 1 ? state.devices[0] : null;
  const asked = new URLSearchParams(window.location.search).get('device');
  const first = state.devices.find((d) => d.imei === asked) ?? only;
  if (first) await pick(first);
  // Every part of the page has drawn its first data: nothing moves under a pointer any more.
  document.body.dataset.console = 'ready';
}

async function showDevices() {
  if (state.role !== 'driver') {
    const { policies } = await state.api.get('/policies');
    state.policies = new Map(policies.map((p) => [p.id, p]));
  }
  state.devices = (await state.api.devices()).map((d) => ({ ...d, ...state.live.get(d.imei) }));
  renderList();
  if (state.devicesAdmin) {
    state.devicesAdmin.setPolicies([...state.policies.values()]);
    state.tokens.setDevices(state.devices);
    state.users.setDevices(state.devices);
  }
}

/** A device was registered or changed: the list is read again, and a changed shown device shown again. */
async function deviceChanged({ imei, label }) {
  // The live feed's copy of the label is older than the API's answer to the change.
  const live = state.live.get(imei);
  if (live && 'label' in live) live.label = label;
  await showDevices();
  const changed = state.devices.find((d) => d.imei === imei);
  if (changed && state.device?.imei === imei) await pick(changed);
}

/** A device was deleted, here or (told by the live feed) on any page: off the map, the list and the track view. */
async function deviceRemoved(imei) {
  state.live.delete(imei);
  state.fleet.remove(imei);
  if (state.device?.imei === imei) {
    state.device = null;
    $('#track-card').hidden = true;
    $('#admin').hidden = true;
  }
  await showDevices();
}

/** A policy was saved: everything that shows policies reads them again, and the form shows the saved version. */
async function policySaved(saved) {
  await showDevices();
  state.policyForm.setPolicies([...state.policies.values()], saved.id);
  if (state.device) await pick(state.devices.find((d) => d.imei === state.device.imei) ?? state.device);
}

/**
 * One device's newest state from the live feed. The server sends a device's events in the order it read them, so the
 * last one is what is stored: an erased position goes, also when an older one is left (or none: no position).
 */
function liveDevice(event) {
  const known = state.live.get(event.imei) ?? {};
  const live = {
    ...known,
    ...(event.label === undefined ? {} : { label: event.label }),
    lastSeenAt: event.lastSeenAt ?? known.lastSeenAt,
    position: event.position,
  };
  state.live.set(event.imei, live);
  let device = state.devices.find((d) => d.imei === event.imei);
  if (!device) {
    device = { imei: event.imei, policyId: null }; // registered after the list was read
    state.devices.push(device);
  }
  Object.assign(device, live);
  device.online = isOnline(device);
  state.fleet.show(device, gridOf(device));
  scheduleList();
}

function liveState(status, detail) {
  const text = { live: 'live', reconnecting: 'reconnecting…', stopped: 'stopped' }[status] ?? status;
  $('#live-status').textContent = detail && status !== 'live' ? `${text} (${detail})` : text;
  document.body.dataset.live = status;
}

function gridOf(device) {
  return state.policies.get(device.policyId)?.document?.coarsening?.gridMetres;
}

/** Renders the list at most once a frame however many events arrive. */
function scheduleList() {
  if (listPending) return;
  listPending = true;
  requestAnimationFrame(() => {
    listPending = false;
    renderList();
    state.fleet.fitOnce();
  });
}

function renderList() {
  const names = new Map([...state.policies].map(([id, p]) => [id, p.name]));
  for (const device of state.devices) device.online = isOnline(device);
  const shown = matching(state.devices, $('#device-search').value, $('#device-filter').value);
  const online = state.devices.filter((d) => d.online).length;
  $('#device-count').textContent = `${state.devices.length} · ${online} online`;
  const focused = document.activeElement?.closest?.('#devices tbody tr')?.dataset.imei;
  renderDevices($('#devices tbody'), shown, names, pick);
  if (state.device) markSelected($('#devices tbody'), state.device.imei);
  // Keyboard users keep their place while the list refreshes under them.
  if (focused) $(`#devices tbody tr[data-imei="${focused}"]`)?.focus();
}

async function pick(device) {
  state.device = device;
  markSelected($('#devices tbody'), device.imei);
  $('#track-card').hidden = false;
  state.fleet.focus(device.imei);
  $('#device-title').textContent = `Track of ${device.label ?? device.imei}`;
  $('#driver').hidden = state.role !== 'driver';
  $('#admin').hidden = state.role !== 'admin';
  if (state.role === 'driver') {
    state.switch.show(device);
    state.driverZones.show(device).catch((failure) => {
      $('#driver-status').textContent = `Cannot read your zones: ${failure.message}`;
    });
  }
  state.devicesAdmin?.show(device);
  await showTrack();
}

async function showTrack() {
  const { imei, policyId } = state.device;
  const range = toWindow($('#from').value, $('#to').value);
  const status = $('#track-status');
  status.textContent = 'loading…';
  document.body.dataset.track = 'loading';
  try {
    const [positions, { trips }] = await Promise.all([
      state.api.positions(imei, range.from, range.to),
      state.api.get(`/devices/${imei}/trips`, range),
    ]);
    const policy = state.policies.get(policyId);
    const policyDocument = policy?.document ?? {};
    state.map.resize();
    state.map.show({
      positions,
      trips,
      gridMetres: policyDocument.coarsening?.gridMetres,
      zones: state.role === 'admin' ? policyDocument.zones : [],
    });
    renderTrips($('#trips tbody'), trips);
    status.textContent = `${positions.length} records, ${trips.length} trips`;
    if (state.admin) await state.admin.show(state.device, policy, range);
    document.body.dataset.track = 'shown';
  } catch (failure) {
    status.textContent = `Cannot load the track: ${failure.message}`;
    fill($('#trips tbody'));
    document.body.dataset.track = 'failed';
  }
}

start();
