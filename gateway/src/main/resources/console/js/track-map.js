// The Leaflet map of one device's masked track. Leaflet (a global `L`, shipped inside the gateway jar) draws on
// a plain background, so without tiles (offline, or a tile server that refuses) the track still shows.

import { el } from './dom.js';
import { cellBounds } from './coarse-grid.js';
import { addTiles } from './fleet-map.js';

const BUSINESS_LINE = { className: 'business-trip', color: '#1d4ed8', weight: 4, opacity: 0.85 };
const COARSE_CELL = { className: 'coarse-cell', color: '#b45309', weight: 1, fillOpacity: 0.25 };
const PARKED_POINT = { className: 'parked-point', radius: 4, color: '#334155', fillOpacity: 0.8 };
const ZONE = { className: 'privacy-zone', color: '#be123c', weight: 1, dashArray: '4 4', fillOpacity: 0.12 };
const HOME = [[54.6872, 25.2797], 12]; // where the map looks before any track is drawn

export class TrackMap {
  constructor(container, { tileUrl, tileAttribution }) {
    this.map = L.map(container, { preferCanvas: false }).setView(...HOME);
    addTiles(this.map, tileUrl, tileAttribution);
    new ResizeObserver(() => this.map.invalidateSize()).observe(container);
    this.layers = L.featureGroup().addTo(this.map);
  }

  /**
   * Draws a track: each business trip as a line through its located positions, coarsened positions as the cells
   * they stand for (when the grid is known), located positions outside any trip as dots. Private trips are not
   * drawn: their positions have no coordinates, and nothing here invents any.
   */
  show({ positions, trips, gridMetres, zones }) {
    this.layers.clearLayers();
    const located = positions.filter((p) => Number.isFinite(p.latitude) && Number.isFinite(p.longitude));
    const business = trips.filter((t) => !t.private);
    const onTrip = new Set();
    for (const trip of business) {
      const start = Date.parse(trip.start);
      const end = Date.parse(trip.end);
      const line = located.filter((p) => {
        const time = Date.parse(p.time);
        return time >= start && time <= end;
      });
      line.forEach((p) => onTrip.add(p));
      if (line.length > 1) {
        L.polyline(line.map((p) => [p.latitude, p.longitude]), BUSINESS_LINE).addTo(this.layers);
      }
    }
    for (const p of located) {
      if (p.treatment === 'coarsened') {
        this.drawCell(p, gridMetres);
      } else if (!onTrip.has(p)) {
        L.circleMarker([p.latitude, p.longitude], PARKED_POINT).addTo(this.layers);
      }
    }
    // Zone centres are write-only: the API never answers one, so a zone is drawn only where a centre is known.
    for (const zone of (zones ?? []).filter((z) => Number.isFinite(z.latitude) && Number.isFinite(z.longitude))) {
      L.circle([zone.latitude, zone.longitude], { ...ZONE, radius: zone.radiusMetres })
        // The label is a node, never an HTML string that Leaflet would parse.
        .bindTooltip(el('span', {}, `privacy zone ${zone.name ?? ''}`), { permanent: true, direction: 'right' })
        .addTo(this.layers);
    }
    const bounds = this.layers.getBounds();
    if (bounds.isValid()) this.map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  }

  drawCell(p, gridMetres) {
    if (gridMetres) {
      L.rectangle(cellBounds(gridMetres, p.latitude, p.longitude), COARSE_CELL).addTo(this.layers);
    } else {
      // A driver cannot read the policy, so the grid's size is unknown: mark the cell's centre as a square.
      L.circleMarker([p.latitude, p.longitude], { ...COARSE_CELL, radius: 6 }).addTo(this.layers);
    }
  }

  /** Leaflet measures its container once; call after the map's box changed size (e.g. it was hidden). */
  resize() {
    this.map.invalidateSize();
  }
}
