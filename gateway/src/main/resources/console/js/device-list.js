// The fleet's devices: label or IMEI, when it was last heard of, and the name of its policy.

import { el, fill, formatTime } from './dom.js';

export function renderDevices(tbody, devices, policyNames, onPick) {
  fill(tbody, devices.map((device) => {
    const policy = device.policyId == null ? 'none' : policyNames.get(device.policyId) ?? `policy ${device.policyId}`;
    const row = el('tr', { 'data-imei': device.imei, tabindex: 0 },
      el('td', {}, el('strong', {}, device.label ?? device.imei), el('br'), el('small', {}, device.imei),
        device.restricted ? el('span', { class: 'tag' }, 'restricted') : null,
        isPrivate(device) ? el('span', { class: 'tag private' }, 'private mode') : null),
      el('td', {}, formatTime(lastSeen(device))),
      el('td', {}, policy));
    const pick = () => onPick(device);
    row.addEventListener('click', pick);
    row.addEventListener('keydown', (event) => event.key === 'Enter' && pick());
    return row;
  }));
}

/** When the device was last heard of, as the API tells it; older APIs may not say. */
export function lastSeen(device) {
  return device.lastSeenAt ?? device.lastSeen ?? null;
}

export function isPrivate(device) {
  return device.privateUntil != null && Date.parse(device.privateUntil) > Date.now();
}

export function markSelected(tbody, imei) {
  for (const row of tbody.rows) row.classList.toggle('selected', row.dataset.imei === imei);
}
