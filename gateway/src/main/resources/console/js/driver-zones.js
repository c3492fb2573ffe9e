// A driver's own privacy zones (home, a doctor): placed on a map with a radius, listed by name and radius,
// removed after a confirmation. The API seals a zone's centre and never answers it, so once saved the page has
// no centre to draw, and draws none.

import { $, el, fill } from './dom.js';
import { confirmAction } from './confirm.js';
import { clearFieldErrors, showFieldErrors } from './field-errors.js';
import { ZonePlacer } from './zone-placer.js';

export class DriverZones {
  constructor(api, config) {
    this.api = api;
    this.form = $('#driver-zone-form');
    this.placer = new ZonePlacer($('#driver-zone-map'), config, $('#driver-zone-radius'),
      (placed) => { $('#driver-zone-save').disabled = !placed; });
    $('#driver-zone-centre').addEventListener('click', () => this.placer.placeAtCentre());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
  }

  async show(device) {
    this.device = device;
    const p = device.position;
    // Where the vehicle was last shown to this driver (the API gave it to them), a sensible place to start.
    if (p && Number.isFinite(p.latitude) && Number.isFinite(p.longitude)) this.placer.lookAt(p.latitude, p.longitude);
    await this.list();
  }

  async list() {
    const { zones, minRadiusMetres } = await this.api.get(`/devices/${this.device.imei}/zones`);
    $('#driver-zone-radius').min = minRadiusMetres;
    fill($('#driver-zones'), zones.length ? zones.map((zone) => el('li', { class: 'zone', 'data-zone': zone.id },
      el('strong', {}, zone.name ?? 'unnamed zone'), ` ${zone.radiusMetres} m, centre sealed `,
      el('button', { type: 'button', class: 'danger', 'aria-label': `Remove zone ${zone.name ?? ''}`,
        onclick: () => this.remove(zone) }, 'Remove…')))
      : el('li', { class: 'empty' }, 'No zone of your own yet.'));
  }

  async save() {
    clearFieldErrors(this.form);
    const centre = this.placer.pending();
    if (!centre) return;
    const name = this.form.elements.name.value.trim();
    const radius = Number(this.form.elements.radiusMetres.value.trim());
    try {
      const zone = await this.api.post(`/devices/${this.device.imei}/zones`, {
        name: name || null, radiusMetres: Number.isFinite(radius) ? radius : this.form.elements.radiusMetres.value,
        ...centre,
      });
      this.placer.clear(); // the centre is the API's now, and only the API's
      this.form.elements.name.value = '';
      $('#driver-status').textContent = `Zone ${zone.name ?? ''} saved.`;
      await this.list();
    } catch (failure) {
      showFieldErrors(this.form, failure);
    }
  }

  async remove(zone) {
    if (!await confirmAction(`Remove your zone “${zone.name ?? 'unnamed'}”? Trips there are no longer hidden.`)) return;
    try {
      await this.api.delete(`/devices/${this.device.imei}/zones/${zone.id}`);
      $('#driver-status').textContent = `Zone ${zone.name ?? ''} removed.`;
    } catch (failure) {
      $('#driver-status').textContent = `Failed: ${failure.message}`;
    }
    await this.list();
  }
}
