// The console's only way to the data: the fleet API under /api/v1, with the signed-in token. Nothing here
// knows more than the API tells any other client.

const BASE = '/api/v1';

/** An answer other than 2xx, with the API's own error body when it sent one. */
export class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.message ? `${status}: ${body.message}` : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export class Api {
  constructor(token) {
    this.token = token;
  }

  async request(method, path, { query, body } = {}) {
    const url = new URL(BASE + path, window.location.origin);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== null && value !== undefined) url.searchParams.set(name, value);
    }
    const headers = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(url, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
    const text = await response.text();
    const json = text && (response.headers.get('Content-Type') ?? '').includes('json') ? JSON.parse(text) : null;
    if (!response.ok) throw new ApiFailure(response.status, json);
    return json;
  }

  get(path, query) { return this.request('GET', path, { query }); }
  post(path, body, query) { return this.request('POST', path, { body, query }); }
  put(path, body) { return this.request('PUT', path, { body }); }
  patch(path, body) { return this.request('PATCH', path, { body }); }
  delete(path) { return this.request('DELETE', path); }

  /** Every position of a window, page by page (the API caps a page; a day of 1 s records is 86,400). */
  async positions(imei, from, to) {
    const all = [];
    let cursor = null;
    do {
      const page = await this.get(`/devices/${imei}/positions`, { from, to, limit: 20000, cursor });
      all.push(...page.positions);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  /**
   * What this token may do. The API has no "who am I", so the console asks what an admin, then a viewer, may
   * read: the audit log only answers admins, policies only fleet managers. Neither read is audited.
   */
  async role() {
    if (await this.allowed('/audit', { limit: 1 })) return 'admin';
    if (await this.allowed('/policies')) return 'viewer';
    return 'driver';
  }

  async allowed(path, query) {
    try {
      await this.get(path, query);
      return true;
    } catch (failure) {
      if (failure instanceof ApiFailure && failure.status === 403) return false;
      throw failure;
    }
  }
}
