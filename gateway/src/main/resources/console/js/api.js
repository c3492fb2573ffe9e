// The console's only way to the data: the fleet API under /api/v1, signed in by the session cookie (with the
// session's CSRF token on every call that changes anything) or by a pasted token. Nothing here
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
  /** `token` for a pasted API token; otherwise the browser's session cookie, and its `csrf` token. */
  constructor({ token = null, csrf = null } = {}) {
    this.token = token;
    this.csrf = csrf;
  }

  /** The headers that authenticate a read: the token's (a session's cookie goes by itself). */
  authHeaders() {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }

  async request(method, path, { query, body } = {}) {
    const url = new URL(BASE + path, window.location.origin);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== null && value !== undefined) url.searchParams.set(name, value);
    }
    const headers = { ...this.authHeaders(), Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (!this.token && method !== 'GET' && this.csrf) headers['X-CSRF-Token'] = this.csrf;
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

  /** Every device of the fleet, page by page (the API caps a page at 10,000). */
  devices() { return this.everyPage('/devices', 'devices'); }

  /** Every item of a list the API answers a page at a time (`/tokens`, `/users`: 1,000 a page). */
  items(path) { return this.everyPage(path, 'items'); }

  async everyPage(path, key) {
    const all = [];
    let cursor = null;
    do {
      const page = await this.get(path, { cursor });
      all.push(...page[key]);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  /** Who is signed in: kind (session or token), role, and for a session the fleet, username and CSRF token. */
  whoAmI() { return this.get('/session'); }

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
