// The "Vehicle" choice of a form that makes a driver (a token or a user): the fleet's devices, enabled only when
// the form's role is driver.

import { el, fill } from './dom.js';

export class VehicleChoice {
  constructor(form) {
    this.form = form;
    form.elements.role.addEventListener('change', () => this.update());
  }

  /** The vehicles a driver may be bound to; the chosen one stays chosen when still there. */
  setDevices(devices) {
    const select = this.form.elements.device;
    const chosen = select.value;
    fill(select, devices.map((d) => el('option', { value: d.imei }, d.label ? `${d.label} (${d.imei})` : d.imei)));
    if (devices.some((d) => d.imei === chosen)) select.value = chosen;
  }

  /** Enables the choice for a driver only. */
  update() {
    this.form.elements.device.disabled = this.form.elements.role.value !== 'driver';
  }
}
