// The fleet's API tokens, for its admins: made with a name, a role, a vehicle for a driver and an expiry; the
// secret is shown once (with a copy button and a warning) and forgotten when the admin is done; listed; revoked
// after a confirmation.

import { $, el, fill, formatTime } from './dom.js';
import { confirmAction } from './confirm.js';
import { onSubmitShowingErrors } from './field-errors.js';
import { VehicleChoice } from './vehicle-choice.js';

export class TokenAdmin {
  constructor(api) {
    this.api = api;
    this.form = $('#token-form');
    this.vehicles = new VehicleChoice(this.form);
    onSubmitShowingErrors(this.form, () => this.create());
    $('#token-copy').addEventListener('click', () => this.copy());
    $('#token-done').addEventListener('click', () => this.forget());
  }

  /** The vehicles a driver token may be bound to. */
  setDevices(devices) {
    this.vehicles.setDevices(devices);
  }

  async create() {
    const f = this.form.elements;
    const body = { name: f.name.value.trim(), role: f.role.value, expiresIn: f.expiresIn.value };
    if (f.role.value === 'driver') body.device = f.device.value;
    const created = await this.api.post('/tokens', body);
    this.form.reset();
    this.vehicles.update();
    $('#token-secret-value').value = created.token;
    $('#token-copy-status').textContent = '';
    $('#token-secret').hidden = false;
    $('#token-secret-value').focus();
    $('#token-secret-value').select();
    $('#manage-status').textContent = `Token “${created.name}” made (${created.role}), expires`
      + ` ${formatTime(created.expiresAt)}.`;
    await this.list();
  }

  async copy() {
    const secret = $('#token-secret-value');
    try {
      await navigator.clipboard.writeText(secret.value);
    } catch {
      // No clipboard permission (an old browser, a locked-down page): the text is selected for Ctrl+C instead.
      secret.select();
      $('#token-copy-status').textContent = 'Select and copy it with Ctrl+C.';
      return;
    }
    $('#token-copy-status').textContent = 'Copied.';
  }

  /** The secret leaves the page: only its hash exists anywhere now. */
  forget() {
    $('#token-secret-value').value = '';
    $('#token-secret').hidden = true;
    $('#token-copy-status').textContent = '';
  }

  async list() {
    const items = await this.api.items('/tokens');
    fill($('#tokens tbody'), items.map((token) => {
      const state = token.live ? 'live' : token.revokedAt ? 'revoked' : 'expired';
      return el('tr', { 'data-token': token.id, class: state },
        el('td', {}, token.name, this.isOwn(token) ? el('span', { class: 'tag' }, 'this page') : null),
        el('td', {}, token.role), el('td', {}, token.device ?? ''),
        el('td', {}, el('code', {}, token.prefix)), el('td', {}, formatTime(token.createdAt)),
        el('td', {}, formatTime(token.expiresAt)), el('td', {}, state),
        el('td', {}, token.live ? el('button', { type: 'button', class: 'danger',
          'aria-label': `Revoke token ${token.name}`, onclick: () => this.revoke(token) }, 'Revoke…') : ''));
    }));
  }

  /** The token this page is signed in with (its prefix is the start of the secret). */
  isOwn(token) {
    return token.live && Boolean(this.api.token?.startsWith(token.prefix));
  }

  async revoke(token) {
    const question = `Revoke the ${token.role} token “${token.name}” (${token.prefix}…)? Whoever uses it is`
      + ' refused from now on, and its open live maps close.'
      + (this.isOwn(token) ? ' It is the token this page is signed in with: the page stops working.' : '');
    if (!await confirmAction(question)) return;
    try {
      await this.api.delete(`/tokens/${token.id}`);
      $('#manage-status').textContent = `Revoked “${token.name}”.`;
    } catch (failure) {
      $('#manage-status').textContent = `Failed: ${failure.message}`;
    }
    await this.list();
  }
}
