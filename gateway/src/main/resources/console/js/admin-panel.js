// What only an admin sees of a device: consent and its history, the policy document, export and erase (each
// confirmed first), and the fleet's audit log.

import { $, el, fill, formatTime } from './dom.js';
import { confirmAction } from './confirm.js';

const CONSENT_KINDS = ['location', 'driverIdentity', 'telemetry'];

export class AdminPanel {
  constructor(api, onErased) {
    this.api = api;
    this.onErased = onErased;
    $('#export').addEventListener('click', () => this.export());
    $('#erase').addEventListener('click', () => this.erase());
  }

  async show(device, policy, range) {
    this.device = device;
    this.range = range;
    const [consent] = await Promise.all([
      this.api.get(`/devices/${device.imei}/consent`),
      this.showAudit(),
    ]);
    fill($('#consent-current'), CONSENT_KINDS.map((kind) => {
      const granted = consent.current[kind];
      const state = granted == null ? 'policy default' : granted ? 'granted' : 'refused';
      return el('li', { class: `flag ${state.replace(' ', '-')}` }, `${kind}: ${state}`);
    }));
    fill($('#consent-history tbody'), [...consent.history].reverse().map((change) => el('tr', {},
      el('td', {}, formatTime(change.changedAt)), el('td', {}, change.kind),
      el('td', {}, change.granted ? 'yes' : 'no'), el('td', {}, change.changedBy), el('td', {}, change.reason ?? ''))));
    $('#policy-name').textContent = policy ? `“${policy.name}”, version ${policy.version}` : '(none assigned)';
    $('#policy-document').textContent = policy ? JSON.stringify(policy.document, null, 2) : '';
  }

  async showAudit() {
    const audit = await this.api.get('/audit', { limit: 50 });
    fill($('#audit tbody'), audit.entries.map((entry) => el('tr', {},
      el('td', {}, formatTime(entry.at)), el('td', {}, entry.actor), el('td', {}, entry.action),
      el('td', {}, entry.target ?? ''), el('td', {}, entry.details ? JSON.stringify(entry.details) : ''))));
  }

  async export() {
    const imei = this.device.imei;
    if (!await confirmAction(`Download everything stored about device ${imei}? The export is audited.`)) return;
    // A plain link cannot carry the bearer token, so the console fetches the document and hands it over as a file.
    const response = await fetch(`/api/v1/devices/${imei}/export`,
      { headers: { Authorization: `Bearer ${this.api.token}` } });
    if (!response.ok) throw new Error(`export failed: HTTP ${response.status}`);
    const url = URL.createObjectURL(await response.blob());
    const link = el('a', { href: url, download: `${imei}-export.json` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    await this.showAudit();
  }

  async erase() {
    const { imei } = this.device;
    const { from, to } = this.range;
    const question = `Erase every stored position of device ${imei} from ${formatTime(from)} to ${formatTime(to)}?`
      + ' This cannot be undone; an audit row of the erasure is kept.';
    if (!await confirmAction(question)) return;
    const result = await this.api.post(`/devices/${imei}/erase`, undefined, { from, to });
    await this.showAudit();
    this.onErased(result);
  }
}
