// The policy form: every field of the policy document (docs/POLICY.md) as a control, read from the API's answer
// and written back as a document, with the API's reasons shown beside the fields they name. Saving a policy adds
// a version. Zones are sent back as read (id, name, radius: the API keeps their sealed centres); a new zone's
// centre, placed on the map, is sent once and then forgotten: the page never holds a saved zone's centre.

import { $, el, fill } from './dom.js';
import { clearFieldErrors, showFieldErrors } from './field-errors.js';
import { ZonePlacer } from './zone-placer.js';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DURATIONS = ['graceWindow', 'maxRecordGap', 'maxParkedGap', 'anchorDelay'];
const NEW = 'new';

export class PolicyForm {
  constructor(api, config, onSaved) {
    this.api = api;
    this.onSaved = onSaved;
    this.form = $('#policy-form');
    this.policies = [];
    this.zones = [];
    fill($('#schedule-days'), DAYS.map((day) => el('label', {}, day,
      el('input', { name: `day-${day}`, 'data-field': `privateTrips.businessSchedule.days.${day}`,
        autocomplete: 'off', placeholder: day === 'saturday' || day === 'sunday' ? '' : '07:00-19:00' }))));
    this.placer = new ZonePlacer($('#zone-map'), config, $('#zone-radius'),
      (placed) => { $('#zone-add').disabled = !placed; });
    $('#zone-centre').addEventListener('click', () => this.placer.placeAtCentre());
    $('#zone-add').addEventListener('click', () => this.addPlacedZone());
    $('#schedule-on').addEventListener('change', () => this.showSchedule());
    $('#policy-pick').addEventListener('change', () => this.edit($('#policy-pick').value));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
  }

  /** The fleet's policies changed (or were read): refreshes the picker and keeps editing what was being edited. */
  setPolicies(policies, editing = $('#policy-pick').value || NEW) {
    this.policies = policies;
    fill($('#policy-pick'), el('option', { value: NEW }, 'a new policy'),
      policies.map((p) => el('option', { value: p.id }, `${p.name} (version ${p.version})`)));
    $('#policy-pick').value = policies.some((p) => String(p.id) === String(editing)) ? String(editing) : NEW;
    this.edit($('#policy-pick').value);
  }

  edit(id) {
    clearFieldErrors(this.form);
    $('#policy-status').textContent = '';
    this.placer.clear();
    const policy = this.policies.find((p) => String(p.id) === String(id));
    this.editing = policy ?? null;
    const name = this.form.elements.name;
    name.value = policy?.name ?? '';
    name.readOnly = Boolean(policy); // a policy's name is given once, when it is made
    this.fill(policy?.document ?? { consent: { location: true, driverIdentity: false, telemetry: true } });
    $('#policy-save').textContent = policy ? `Save as version ${policy.version + 1}` : 'Create policy';
  }

  fill(doc) {
    const f = this.form.elements;
    for (const kind of ['location', 'driverIdentity', 'telemetry']) f[`consent.${kind}`].checked = doc.consent?.[kind] === true;
    const trips = doc.privateTrips ?? {};
    const schedule = trips.businessSchedule;
    $('#schedule-on').checked = Boolean(schedule);
    f.timeZone.value = schedule?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
    for (const day of DAYS) f[`day-${day}`].value = (schedule?.days?.[day] ?? []).join(', ');
    this.showSchedule();
    f.ioId.value = trips.privateModeIo?.id ?? '';
    f.ioValue.value = trips.privateModeIo?.value ?? '';
    f.privateRecords.value = trips.privateRecords ?? 'mask';
    for (const name of DURATIONS) f[name].value = trips[name] ?? '';
    f.gridMetres.value = doc.coarsening?.gridMetres ?? '';
    f.ioKeep.value = Array.isArray(doc.io?.keep) ? doc.io.keep.join(', ') : '';
    f.minRadiusMetres.value = doc.driverZones?.minRadiusMetres ?? '';
    this.version = doc.version ?? 1;
    // As the API answered them: id, name, radius. No centre is known, and none is wanted.
    this.zones = (doc.zones ?? []).map((z) => ({ id: z.id, name: z.name ?? '', radiusMetres: z.radiusMetres }));
    this.showZones();
  }

  showSchedule() {
    $('#schedule').hidden = !$('#schedule-on').checked;
  }

  showZones() {
    fill($('#policy-zones'), this.zones.length ? this.zones.map((zone, index) => {
      const at = `zones[${index}]`;
      const name = el('input', { 'data-field': `${at}.name`, value: zone.name, maxlength: 100,
        'aria-label': `zone ${index + 1} name`, autocomplete: 'off' });
      name.addEventListener('input', () => { zone.name = name.value; });
      const radius = el('input', { 'data-field': `${at}.radiusMetres`, value: zone.radiusMetres ?? '',
        inputmode: 'numeric', 'aria-label': `zone ${index + 1} radius in metres`, class: 'radius' });
      radius.addEventListener('input', () => { zone.radiusMetres = radius.value; });
      const remove = el('button', { type: 'button', class: 'danger',
        onclick: () => { this.zones.splice(index, 1); this.showZones(); } }, 'Remove');
      return el('li', { class: 'zone', 'data-zone': zone.id ?? 'new', 'data-field': at },
        el('label', {}, 'Name ', name), el('label', {}, 'Radius (m) ', radius),
        el('span', { class: 'sealed' }, zone.id ? 'centre sealed' : 'new: placed on the map, sent when saved'),
        remove);
    }) : el('li', { class: 'empty' }, 'No privacy zone.'));
  }

  addPlacedZone() {
    const centre = this.placer.pending();
    if (!centre) return;
    this.zones.push({ name: $('#zone-name').value.trim(), radiusMetres: $('#zone-radius').value, ...centre });
    this.placer.clear();
    $('#zone-name').value = '';
    this.showZones();
  }

  /** The document the form says, values as typed: the API judges them and names what is wrong. */
  document() {
    const f = this.form.elements;
    const trips = { privateRecords: f.privateRecords.value };
    if (f.ioId.value.trim() || f.ioValue.value.trim()) {
      trips.privateModeIo = { id: number(f.ioId.value), value: number(f.ioValue.value) };
    }
    if ($('#schedule-on').checked) {
      const days = {};
      for (const day of DAYS) {
        const ranges = f[`day-${day}`].value.split(',').map((r) => r.trim()).filter(Boolean);
        if (ranges.length) days[day] = ranges;
      }
      trips.businessSchedule = { timeZone: f.timeZone.value.trim(), days };
    }
    for (const name of DURATIONS) if (f[name].value.trim()) trips[name] = f[name].value.trim();
    const doc = {
      version: this.version,
      consent: Object.fromEntries(['location', 'driverIdentity', 'telemetry']
        .map((kind) => [kind, f[`consent.${kind}`].checked])),
      privateTrips: trips,
      coarsening: f.gridMetres.value.trim() ? { gridMetres: number(f.gridMetres.value) } : 'off',
      io: { keep: f.ioKeep.value.trim() ? f.ioKeep.value.split(',').map((id) => number(id)) : 'all' },
      zones: this.zones.map((z) => {
        const zone = { name: z.name || null, radiusMetres: number(z.radiusMetres) };
        if (z.id) zone.id = z.id;
        else Object.assign(zone, { latitude: z.latitude, longitude: z.longitude });
        return zone;
      }),
    };
    if (f.minRadiusMetres.value.trim()) doc.driverZones = { minRadiusMetres: number(f.minRadiusMetres.value) };
    return doc;
  }

  async save() {
    const status = $('#policy-status');
    clearFieldErrors(this.form);
    status.textContent = 'saving…';
    this.form.dataset.saving = 'true';
    try {
      const document = this.document();
      const saved = this.editing
        ? await this.api.put(`/policies/${this.editing.id}`, { document })
        : await this.api.post('/policies', { name: this.form.elements.name.value.trim(), document });
      // The answer replaces the form, and with it every centre that was typed or placed.
      await this.onSaved(saved);
      status.textContent = `Saved “${saved.name}”, version ${saved.version}.`;
    } catch (failure) {
      status.textContent = '';
      showFieldErrors(this.form, failure, 'document.');
    } finally {
      delete this.form.dataset.saving;
    }
  }
}

/** A number when the text is one, else the text itself, so that the API names it as not a number. */
function number(text) {
  const trimmed = String(text ?? '').trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}
