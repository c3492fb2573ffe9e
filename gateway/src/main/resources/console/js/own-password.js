// A signed-in user changes their own password: the current one is needed, and their other sessions end.

import { $ } from './dom.js';
import { clearFieldErrors, showFieldErrors } from './field-errors.js';

export class OwnPassword {
  constructor(api) {
    this.api = api;
    this.form = $('#own-password');
    $('#own-password-area').hidden = false;
    this.form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearFieldErrors(this.form);
      const f = this.form.elements;
      try {
        await this.api.put('/session/password',
          { currentPassword: f.currentPassword.value, newPassword: f.newPassword.value });
        this.form.reset();
        $('#own-password-status').textContent = 'Password changed; your other sessions ended.';
      } catch (failure) {
        showFieldErrors(this.form, failure);
      }
    });
  }
}
