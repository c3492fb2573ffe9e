// A small map on which an admin (or a driver, for their own zones) places a new privacy zone: a click, or the
// "place at the map's centre" button for keyboard users, sets the centre, the radius field sizes the circle. The
// centre lives here only until the zone is saved: the API never answers it, so after saving nothing is drawn.

import { addTiles } from './fleet-map.js';

const HOME = [[54.6872, 25.2797], 12];
const PENDING = { className: 'pending-zone', color: '#be123c', weight: 2, dashArray: '4 4', fillOpacity: 0.15 };

export class ZonePlacer {
  constructor(container, config, radiusInput, onPlaced) {
    this.map = L.map(container, { keyboard: true }).setView(...HOME);
    addTiles(this.map, config.tileUrl, config.tileAttribution);
    new ResizeObserver(() => this.map.invalidateSize()).observe(container);
    this.radiusInput = radiusInput;
    this.onPlaced = onPlaced;
    this.circle = null;
    this.map.on('click', (event) => this.place(event.latlng));
    radiusInput.addEventListener('input', () => this.circle?.setRadius(this.radius()));
  }

  radius() {
    const value = Number(this.radiusInput.value);
    return Number.isFinite(value) && value > 0 ? value : 0;
  }

  lookAt(latitude, longitude) {
    this.map.setView([latitude, longitude], 14);
  }

  /** Places the pending centre where the map is centred (the keyboard's way: pan with the arrows, then this). */
  placeAtCentre() {
    this.place(this.map.getCenter());
  }

  place(latlng) {
    this.clear();
    this.circle = L.circle(latlng, { ...PENDING, radius: this.radius() }).addTo(this.map);
    this.onPlaced(true);
  }

  /** The centre placed and not yet saved, or null. */
  pending() {
    if (!this.circle) return null;
    const { lat, lng } = this.circle.getLatLng();
    return { latitude: Number(lat.toFixed(6)), longitude: Number(lng.toFixed(6)) };
  }

  /** Forgets the placed centre (after saving, or cancelled): the page keeps no zone centre. */
  clear() {
    this.circle?.remove();
    this.circle = null;
    this.onPlaced(false);
  }
}
