// A signed-in user changes their own password: the current one is needed, and their other sessions end.

import { $ } from './dom.js';
import { onSubmitShowingErrors } from './field-errors.js';

export class OwnPassword {
  constructor(api) {
    this.api = api;
    this.form = $('#own-password');
    $('#own-password-area').hidden = false;
    onSubmitShowingErrors(this.form, async () => {
      const f = this.form.elements;
      await this.api.put('/session/password',
        { currentPassword: f.currentPassword.value, newPassword: f.newPassword.value });
      this.form.reset();
      $('#own-password-status').textContent = 'Password changed; your other sessions ended.';
    });
  }
}
