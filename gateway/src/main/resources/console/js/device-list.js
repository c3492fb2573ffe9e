// The fleet's devices: label or IMEI with its policy's name, what the live feed says now (online or not, private
// or on the map), and when it was last heard of. Every value goes in as text (el() builds nodes, never HTML).

import { el, fill, formatTime } from './dom.js';

/** A device counts as online when the gateway stored something of it within this long. */
export const ONLINE_MS = 5 * 60_000;

export function renderDevices(tbody, devices, policyNames, onPick) {
  fill(tbody, devices.length ? devices.map((device) => {
    const policy = device.policyId == null ? 'none' : policyNames.get(device.policyId) ?? `policy ${device.policyId}`;
    const row = el('tr', { 'data-imei': device.imei, tabindex: 0, class: device.online ? 'online' : 'offline' },
      el('td', {}, el('strong', { class: 'label' }, device.label ?? device.imei), el('br'),
        el('small', {}, `${device.imei} · ${policy}`),
        device.restricted ? el('span', { class: 'tag' }, 'restricted') : null,
        isPrivate(device) ? el('span', { class: 'tag private' }, 'private mode') : null),
      el('td', {}, el('span', { class: `state ${device.online ? 'online' : 'offline'}` },
        device.online ? 'online' : 'offline'), el('br'), now(device)),
      el('td', { class: 'seen' }, formatTime(lastSeen(device))));
    const pick = () => onPick(device);
    row.addEventListener('click', pick);
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        pick();
      } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        (event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling)?.focus();
      }
    });
    return row;
  }) : el('tr', {}, el('td', { class: 'empty', colspan: 3 }, 'No device matches.')));
}

/** What the newest stored record says, in words: no coordinate is ever written out. */
function now(device) {
  const treatment = device.position?.treatment;
  if (!treatment) return el('small', {}, 'nothing stored yet');
  if (treatment === 'private') return el('span', { class: 'tag private' }, 'private');
  if (treatment === 'zone') return el('span', { class: 'tag private' }, 'in a privacy zone');
  if (treatment === 'coarsened') return el('small', {}, 'on the map (coarsened)');
  return el('small', {}, 'on the map');
}

/** When the device was last heard of: the newer of the device's last-seen time and its newest record's arrival. */
export function lastSeen(device) {
  const times = [device.lastSeenAt, device.position?.receivedAt].filter(Boolean);
  return times.length ? times.reduce((a, b) => (Date.parse(a) > Date.parse(b) ? a : b)) : null;
}

export function isOnline(device, nowMillis = Date.now()) {
  const seen = lastSeen(device);
  return seen != null && nowMillis - Date.parse(seen) < ONLINE_MS;
}

export function isPrivate(device) {
  return device.privateUntil != null && Date.parse(device.privateUntil) > Date.now();
}

/** The devices that match the search text (label or IMEI, any case) and the filter. */
export function matching(devices, text, filter) {
  const wanted = text.trim().toLowerCase();
  return devices.filter((device) => {
    if (wanted && !(device.imei.includes(wanted) || (device.label ?? '').toLowerCase().includes(wanted))) return false;
    if (filter === 'online') return device.online;
    if (filter === 'offline') return !device.online;
    if (filter === 'private') {
      return isPrivate(device) || ['private', 'zone'].includes(device.position?.treatment);
    }
    return true;
  });
}

export function markSelected(tbody, imei) {
  for (const row of tbody.rows) row.classList.toggle('selected', row.dataset.imei === imei);
}
