// The live map of the fleet: each device at its newest stored position, as the API gives it to this token. A
// device whose newest record is private has no marker (the API holds no point for it), a coarsened one stands at
// its grid cell. Markers are focusable (Tab, then Enter opens the device's day); labels go in as text nodes.

import { el } from './dom.js';
import { cellBounds } from './coarse-grid.js';

const HOME = [[54.6872, 25.2797], 11];
const CELL = { className: 'live-cell', color: '#92400e', weight: 1, fillOpacity: 0.2, interactive: false };

export class FleetMap {
  constructor(container, { tileUrl, tileAttribution }, onOpen) {
    this.map = L.map(container, { keyboard: true }).setView(...HOME);
    // Leaflet measures its box once; the page's grid resizes it as the list fills, so it measures again.
    new ResizeObserver(() => this.map.invalidateSize()).observe(container);
    addTiles(this.map, tileUrl, tileAttribution);
    this.markers = new Map(); // imei -> { marker, cell }
    this.onOpen = onOpen;
    this.fitted = false;
  }

  /** Puts the device where its newest position says, or takes it off the map when that has no point. */
  show(device, gridMetres) {
    const p = device.position;
    const located = p && Number.isFinite(p.latitude) && Number.isFinite(p.longitude);
    const shown = this.markers.get(device.imei);
    if (!located) {
      if (shown) this.remove(device.imei);
      return;
    }
    const at = [p.latitude, p.longitude];
    const name = device.label ?? device.imei;
    if (shown) {
      shown.marker.setLatLng(at);
      shown.marker.setIcon(icon(device, name));
      shown.cell?.remove();
      shown.cell = null;
    } else {
      const marker = L.marker(at, { icon: icon(device, name), keyboard: true, title: name, alt: name })
        .on('click', () => this.onOpen(device.imei))
        .on('keypress', (event) => {
          if (event.originalEvent.key === 'Enter' || event.originalEvent.key === ' ') this.onOpen(device.imei);
        })
        .addTo(this.map);
      this.markers.set(device.imei, { marker, cell: null });
    }
    if (p.treatment === 'coarsened' && gridMetres) {
      this.markers.get(device.imei).cell = L.rectangle(cellBounds(gridMetres, ...at), CELL).addTo(this.map);
    }
  }

  remove(imei) {
    const shown = this.markers.get(imei);
    shown?.marker.remove();
    shown?.cell?.remove();
    this.markers.delete(imei);
  }

  /** Fits the view to the devices once, when the first positions are in. */
  fitOnce() {
    if (this.fitted || this.markers.size === 0) return;
    const bounds = L.latLngBounds([...this.markers.values()].map(({ marker }) => marker.getLatLng()));
    this.map.fitBounds(bounds, { padding: [32, 32], maxZoom: 14 });
    this.fitted = true;
  }

  focus(imei) {
    const shown = this.markers.get(imei);
    if (shown) this.map.panTo(shown.marker.getLatLng());
  }

  resize() {
    this.map.invalidateSize();
  }
}

/** A pin with the device's name, built as nodes: a label like "<b>x</b>" shows as those characters. */
function icon(device, name) {
  const kind = device.position.treatment === 'coarsened' ? 'coarse' : 'exact';
  const html = el('span', {
    class: `pin ${kind} ${device.online ? 'online' : 'offline'}`, 'data-imei': device.imei,
    'data-time': device.position.time,
  },
    el('span', { class: 'dot', 'aria-hidden': 'true' }), el('span', { class: 'name' }, name));
  return L.divIcon({ html, className: 'live-pin', iconSize: null, iconAnchor: [7, 7] });
}

/** Tiles when configured; without (the default) the map is a plain grid, drawn by CSS, that needs no server. */
export function addTiles(map, tileUrl, tileAttribution) {
  if (tileUrl) {
    // The attribution is text: made safe for Leaflet, which sets it as HTML.
    const attribution = el('span', {}, tileAttribution ?? '').innerHTML;
    L.tileLayer(tileUrl, { maxZoom: 19, attribution }).addTo(map);
  } else {
    map.getContainer().classList.add('no-tiles');
  }
}
