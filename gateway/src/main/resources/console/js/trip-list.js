// The trip list: start, end, distance, business or private. A private trip is only a time and a distance.

import { el, fill, formatTime, formatDistance } from './dom.js';

export function renderTrips(tbody, trips) {
  if (trips.length === 0) {
    fill(tbody, el('tr', {}, el('td', { colspan: 4, class: 'empty' }, 'No trips in this range.')));
    return;
  }
  fill(tbody, trips.map((trip) => el('tr', { class: trip.private ? 'private-trip' : 'business-trip-row' },
    el('td', {}, formatTime(trip.start)),
    el('td', {}, formatTime(trip.end), trip.complete ? null : ' (still driving)'),
    el('td', {}, formatDistance(trip.distanceMetres)),
    el('td', {}, trip.private ? el('span', { class: 'tag private' }, 'private') : 'business'))));
}
