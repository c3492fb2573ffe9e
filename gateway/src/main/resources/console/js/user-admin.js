// The fleet's console users, for its admins: made with a username, a role (a vehicle for a driver) and a first
// password that the admin hands over; listed with their state; a role changed, a password reset (which ends the
// user's sessions), a lock-out lifted, a user deleted after a confirmation. No password is ever shown again.

import { $, el, fill, formatTime } from './dom.js';
import { confirmAction } from './confirm.js';
import { onSubmitShowingErrors } from './field-errors.js';
import { VehicleChoice } from './vehicle-choice.js';

const ROLES = ['viewer', 'admin', 'driver'];

export class UserAdmin {
  /** `ownId`: the signed-in user's id (null with a token), marked in the list. */
  constructor(api, ownId) {
    this.api = api;
    this.ownId = ownId;
    this.devices = [];
    this.form = $('#user-form');
    this.vehicles = new VehicleChoice(this.form);
    onSubmitShowingErrors(this.form, () => this.create());
  }

  /** The vehicles a driver may be bound to. */
  setDevices(devices) {
    this.devices = devices;
    this.vehicles.setDevices(devices);
  }

  async create() {
    const f = this.form.elements;
    const body = { username: f.username.value.trim(), role: f.role.value, password: f.password.value };
    if (f.role.value === 'driver') body.device = f.device.value;
    const created = await this.api.post('/users', body);
    this.form.reset();
    this.vehicles.update();
    this.status(`User “${created.username}” made (${created.role}). Hand the password over safely.`);
    await this.list();
  }

  async list() {
    const items = await this.api.items('/users');
    fill($('#users tbody'), items.map((user) => {
      const locked = user.lockedUntil && Date.parse(user.lockedUntil) > Date.now();
      const role = el('select', { 'aria-label': `Role of ${user.username}`, 'data-role-of': user.id },
        ROLES.map((r) => el('option', { value: r, selected: r === user.role }, r)));
      role.addEventListener('change', () => this.changeRole(user, role));
      return el('tr', { 'data-user': user.id, 'data-username': user.username, class: locked ? 'locked' : '' },
        el('td', {}, user.username, user.id === this.ownId ? el('span', { class: 'tag' }, 'you') : null),
        el('td', {}, role), el('td', {}, user.device ?? ''),
        el('td', {}, locked ? `locked until ${formatTime(user.lockedUntil)}`
          : user.failedAttempts > 0 ? `${user.failedAttempts} failed sign-ins` : 'active'),
        el('td', {},
          locked ? el('button', { type: 'button', class: 'unlock', onclick: () => this.unlock(user) }, 'Unlock') : '',
          el('button', { type: 'button', class: 'reset', onclick: () => this.resetPassword(user) }, 'Reset password…'),
          el('button', { type: 'button', class: 'danger', 'aria-label': `Delete user ${user.username}`,
            onclick: () => this.remove(user) }, 'Delete…')));
    }));
  }

  async changeRole(user, select) {
    const body = { role: select.value };
    if (select.value === 'driver') {
      const device = user.device ?? this.devices[0]?.imei;
      if (!device) {
        this.status('A driver needs a vehicle: register one first.');
        select.value = user.role;
        return;
      }
      body.device = device;
    }
    await this.act(() => this.api.patch(`/users/${user.id}`, body), `${user.username} is now ${select.value}.`);
  }

  async resetPassword(user) {
    const password = window.prompt(`A new password for ${user.username} (at least 12 characters). Their sessions`
      + ' end; hand the password over safely.');
    if (!password) return;
    await this.act(() => this.api.put(`/users/${user.id}/password`, { password }),
      `The password of ${user.username} was reset; their sessions ended.`);
  }

  async unlock(user) {
    await this.act(() => this.api.post(`/users/${user.id}/unlock`), `${user.username} may sign in again.`);
  }

  async remove(user) {
    if (!await confirmAction(`Delete the user ${user.username}? Their sessions end at once.`)) return;
    await this.act(() => this.api.delete(`/users/${user.id}`), `Deleted ${user.username}.`);
  }

  async act(call, done) {
    try {
      await call();
      this.status(done);
    } catch (failure) {
      this.status(`Failed: ${failure.message}`);
    }
    await this.list();
  }

  status(text) {
    $('#users-status').textContent = text;
  }
}
