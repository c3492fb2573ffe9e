// What an admin changes about the fleet's devices: registers one (IMEI, label, policy), relabels the shown one,
// assigns it a policy, or removes it (after a confirmation; its stored history goes with it). The API's reasons
// show beside the field they name.

import { $, el, fill } from './dom.js';
import { confirmAction } from './confirm.js';
import { clearFieldErrors, showFieldErrors } from './field-errors.js';

export class DeviceAdmin {
  /** onChanged(device): a device was registered or changed, as the API answered; onRemoved(imei). */
  constructor(api, onChanged, onRemoved) {
    this.api = api;
    this.onChanged = onChanged;
    this.onRemoved = onRemoved;
    this.register = $('#register-form');
    this.edit = $('#device-form');
    this.register.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit(this.register, () => this.registerDevice());
    });
    this.edit.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit(this.edit, () => this.update());
    });
    $('#device-remove').addEventListener('click', () => this.submit(this.edit, () => this.remove()));
  }

  /** Fills every policy picker with the fleet's policies ("none" first). */
  setPolicies(policies) {
    for (const select of document.querySelectorAll('select.policy-choice')) {
      const chosen = select.value;
      fill(select, el('option', { value: '' }, 'none'),
        policies.map((p) => el('option', { value: p.id }, p.name)));
      select.value = policies.some((p) => String(p.id) === chosen) ? chosen : '';
    }
    if (this.device) this.show(this.device);
  }

  show(device) {
    this.device = device;
    clearFieldErrors(this.edit);
    this.edit.elements.label.value = device.label ?? '';
    this.edit.elements.policyId.value = device.policyId == null ? '' : String(device.policyId);
  }

  async submit(form, action) {
    clearFieldErrors(form);
    try {
      const done = await action();
      if (done) $('#manage-status').textContent = done;
      if (done) $('#admin-status').textContent = done;
    } catch (failure) {
      showFieldErrors(form, failure);
    }
  }

  async registerDevice() {
    const f = this.register.elements;
    const body = { imei: f.imei.value.trim(), label: f.label.value.trim() || null };
    if (f.policyId.value) body.policyId = Number(f.policyId.value);
    const device = await this.api.post('/devices', body);
    this.register.reset();
    await this.onChanged(device);
    return `Registered ${device.label ?? device.imei}.`;
  }

  async update() {
    const f = this.edit.elements;
    const device = await this.api.patch(`/devices/${this.device.imei}`, {
      label: f.label.value.trim() || null,
      policyId: f.policyId.value ? Number(f.policyId.value) : null,
    });
    await this.onChanged(device);
    return `Saved ${device.label ?? device.imei}.`;
  }

  async remove() {
    const { imei, label } = this.device;
    const question = `Remove device ${label ? `“${label}” (${imei})` : imei} from the fleet? Everything stored`
      + ' about it is deleted with it; an audit row of the removal is kept.';
    if (!await confirmAction(question)) return null;
    await this.api.delete(`/devices/${imei}`);
    this.device = null;
    await this.onRemoved(imei);
    return `Removed ${imei}.`;
  }
}
