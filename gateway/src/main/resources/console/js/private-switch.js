// The driver's switch: private mode on for a chosen number of hours, or off. The API caps it at 31 days, so a
// forgotten switch cannot hide the vehicle for ever.

import { $, formatTime } from './dom.js';
import { isPrivate } from './device-list.js';

export class PrivateSwitch {
  constructor(api, onChange) {
    this.api = api;
    this.onChange = onChange;
    this.button = $('#private-switch');
    this.button.addEventListener('click', () => this.toggle());
  }

  show(device) {
    this.device = device;
    const on = isPrivate(device);
    this.button.setAttribute('aria-checked', String(on));
    this.button.classList.toggle('on', on);
    $('#private-label').textContent = on ? 'Private mode is on' : 'Private mode is off';
    $('#private-until').textContent = on ? `until ${formatTime(device.privateUntil)}` : '';
  }

  async toggle() {
    const path = `/devices/${this.device.imei}/private-mode`;
    this.button.disabled = true;
    try {
      const hours = Number($('#private-hours').value);
      const device = isPrivate(this.device)
        ? await this.api.delete(path)
        : await this.api.post(path, { until: new Date(Date.now() + hours * 3600_000).toISOString() });
      this.show(device);
      this.onChange(device);
    } finally {
      this.button.disabled = false;
    }
  }
}
