// Shows the API's validation answer beside the fields it names. A 400 (or a 409: a value already taken) names one
// field (`parameter`) or several (`errors[].parameter`, e.g. "document.privateTrips.graceWindow"); each reason goes
// next to the control whose data-field is that path (or the nearest enclosing one: "…days.monday[0]" lands on the
// Monday field), and what names no control goes to the form's own message. Reasons are text, never markup.

import { $, el } from './dom.js';
import { ApiFailure } from './api.js';

/** On submit, runs `action` with the form's old messages gone; a refusal's reasons show beside their fields. */
export function onSubmitShowingErrors(form, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    try {
      await action();
    } catch (failure) {
      showFieldErrors(form, failure);
    }
  });
}

/** Removes every message a previous answer left in `form`. */
export function clearFieldErrors(form) {
  for (const node of form.querySelectorAll('.field-error')) node.remove();
  for (const node of form.querySelectorAll('[aria-invalid="true"]')) {
    node.removeAttribute('aria-invalid');
    node.removeAttribute('aria-describedby');
  }
  const general = $('.form-error', form);
  if (general) general.textContent = '';
}

/**
 * Puts `failure`'s reasons beside their fields in `form`; `prefix` is what the API puts before the form's own
 * paths ("document." for a policy). Returns how many reasons were shown beside a field.
 */
export function showFieldErrors(form, failure, prefix = '') {
  clearFieldErrors(form);
  const general = $('.form-error', form);
  // 400 names bad values, 409 a value already taken (a policy's name, an IMEI of another fleet).
  if (!(failure instanceof ApiFailure) || ![400, 409].includes(failure.status) || !failure.body) {
    general.textContent = `Failed: ${failure.message}`;
    return 0;
  }
  const body = failure.body;
  const reasons = body.errors?.length ? body.errors : [{ parameter: body.parameter, reason: body.message }];
  const unplaced = [];
  let placed = 0;
  reasons.forEach(({ parameter, reason }, index) => {
    const path = parameter?.startsWith(prefix) ? parameter.slice(prefix.length) : parameter;
    const control = path ? controlFor(form, path) : null;
    if (!control) {
      unplaced.push(parameter ? `${parameter}: ${reason}` : reason);
      return;
    }
    const id = `${form.id}-error-${index}`;
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', id);
    const message = el('span', { class: 'field-error', id, 'data-error-for': control.dataset.field },
      path === control.dataset.field ? reason : `${path.slice(control.dataset.field.length)}: ${reason}`);
    (control.closest('label') ?? control).after(message);
    placed++;
  });
  general.textContent = unplaced.length
    ? `${body.message ?? 'Not saved'}: ${unplaced.join('; ')}` : `Not saved: ${body.message ?? 'see the fields'}`;
  return placed;
}

/** The control for `path`, or for the longest leading part of it that names one. */
function controlFor(form, path) {
  let at = path;
  while (at) {
    const control = form.querySelector(`[data-field="${CSS.escape(at)}"]`);
    if (control) return control;
    const cut = Math.max(at.lastIndexOf('.'), at.lastIndexOf('['));
    at = cut > 0 ? at.slice(0, cut) : '';
  }
  return null;
}
