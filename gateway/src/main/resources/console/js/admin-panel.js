// What only an admin sees of a device: consent and its history (and changing it), the driver's own zones (by name
// and radius), the policy document, export and erase (each confirmed first), and the fleet's audit log.

import { $, el, fill, formatTime } from './dom.js';
import { confirmAction } from './confirm.js';

const CONSENT_KINDS = ['location', 'driverIdentity', 'telemetry'];
const CONSENT_NAMES = { location: 'location', driverIdentity: 'driver identity', telemetry: 'telemetry' };

export class AdminPanel {
  constructor(api, onErased) {
    this.api = api;
    this.onErased = onErased;
    $('#export').addEventListener('click', () => this.guarded(() => this.export()));
    $('#erase').addEventListener('click', () => this.guarded(() => this.erase()));
    $('#consent-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.guarded(() => this.changeConsent());
    });
  }

  /** Runs an action, telling the admin how it ended instead of leaving a failure in the developer console. */
  async guarded(action) {
    const status = $('#admin-status');
    status.textContent = '';
    try {
      const done = await action();
      if (done) status.textContent = done;
    } catch (failure) {
      status.textContent = `Failed: ${failure.message}`;
    }
  }

  async show(device, policy, range) {
    this.device = device;
    this.range = range;
    const [consent, { zones }] = await Promise.all([
      this.api.get(`/devices/${device.imei}/consent`),
      this.api.get(`/devices/${device.imei}/zones`),
      this.showAudit(),
    ]);
    this.showConsent(consent);
    // Only the driver places these; everyone else sees that they exist, by name and radius.
    fill($('#device-zones'), zones.length ? zones.map((zone) => el('li', { class: 'flag' },
      `${zone.name ?? 'unnamed'}: ${zone.radiusMetres} m`)) : el('li', {}, 'none'));
    $('#policy-name').textContent = policy ? `“${policy.name}”, version ${policy.version}` : '(none assigned)';
    $('#policy-document').textContent = policy ? JSON.stringify(policy.document, null, 2) : '';
  }

  showConsent(consent) {
    fill($('#consent-current'), CONSENT_KINDS.map((kind) => {
      const granted = consent.current[kind];
      const state = granted == null ? 'policy default' : granted ? 'granted' : 'refused';
      return el('li', { class: `flag ${state.replace(' ', '-')}` }, `${kind}: ${state}`);
    }));
    fill($('#consent-history tbody'), [...consent.history].reverse().map((change) => el('tr', {},
      el('td', {}, formatTime(change.changedAt)), el('td', {}, change.kind),
      el('td', {}, change.granted ? 'yes' : 'no'), el('td', {}, change.changedBy), el('td', {}, change.reason ?? ''))));
  }

  /** PUTs the flags the admin set (only those: "unchanged" sends nothing), after a confirmation. */
  async changeConsent() {
    const { imei } = this.device;
    const changes = {};
    for (const kind of CONSENT_KINDS) {
      const value = $(`#consent-${kind}`).value;
      if (value !== '') changes[kind] = value === 'true';
    }
    const kinds = Object.keys(changes);
    if (kinds.length === 0) return 'Choose a consent to grant or refuse first.';
    const reason = $('#consent-reason').value.trim();
    const list = kinds.map((kind) => `${changes[kind] ? 'grant' : 'refuse'} ${CONSENT_NAMES[kind]}`).join(', ');
    const question = `For device ${imei}: ${list}${reason ? ` (reason: ${reason})` : ''}?`
      + ' The change is added to the consent history with your name and the time.';
    if (!await confirmAction(question)) return null;
    const consent = await this.api.put(`/devices/${imei}/consent`, reason ? { ...changes, reason } : changes);
    this.showConsent(consent);
    $('#consent-form').reset();
    await this.showAudit();
    return `Consent changed: ${list}.`;
  }

  async showAudit() {
    const audit = await this.api.get('/audit', { limit: 50 });
    fill($('#audit tbody'), audit.entries.map((entry) => el('tr', {},
      el('td', {}, formatTime(entry.at)), el('td', {}, entry.actor), el('td', {}, entry.action),
      el('td', {}, entry.target ?? ''), el('td', {}, entry.details ? JSON.stringify(entry.details) : ''))));
  }

  async export() {
    const imei = this.device.imei;
    if (!await confirmAction(`Download everything stored about device ${imei}? The export is audited.`)) return null;
    // A plain link cannot carry a bearer token, so the console fetches the document and hands it over as a file.
    const response = await fetch(`/api/v1/devices/${imei}/export`,
      { headers: this.api.authHeaders() });
    if (!response.ok) throw new Error(`export failed: HTTP ${response.status}`);
    const url = URL.createObjectURL(await response.blob());
    const link = el('a', { href: url, download: `${imei}-export.json` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    await this.showAudit();
    return `Exported ${imei}-export.json.`;
  }

  async erase() {
    const { imei } = this.device;
    const { from, to } = this.range;
    const question = `Erase every stored position of device ${imei} from ${formatTime(from)} to ${formatTime(to)}?`
      + ' This cannot be undone; an audit row of the erasure is kept.';
    if (!await confirmAction(question)) return null;
    const result = await this.api.post(`/devices/${imei}/erase`, undefined, { from, to });
    await this.showAudit();
    this.onErased(result);
    return `Erased ${result.erased} stored positions.`;
  }
}
