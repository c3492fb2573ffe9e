// Asks before anything that cannot be undone, in the page's own dialog (so a test and a person see the same).

import { $ } from './dom.js';

export function confirmAction(text) {
  const dialog = $('#confirm');
  $('#confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}
