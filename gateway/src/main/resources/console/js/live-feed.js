// The fleet's live positions: GET /api/v1/fleet/live read with fetch(), so a pasted token travels in the
// Authorization header as on every other call, or the session cookie goes along (EventSource cannot send headers,
// and a token never goes into a
// URL). Parses the server-sent events and reconnects with a growing pause when the stream ends or breaks.

const PATH = '/api/v1/fleet/live';
const MAX_PAUSE_MS = 30_000;

export class LiveFeed {
  /**
   * onDevice(event) for every `position` event, onRemoved(event) for every `removed` one (a deleted device);
   * onState('live' | 'reconnecting' | 'stopped', detail).
   */
  constructor(api, { onDevice, onRemoved, onState }) {
    this.api = api;
    this.onDevice = onDevice;
    this.onRemoved = onRemoved;
    this.onState = onState;
    this.controller = null;
    this.stopped = false;
    this.pause = 1000;
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
    this.onState('stopped');
  }

  async connect() {
    while (!this.stopped) {
      this.controller = new AbortController();
      try {
        const response = await fetch(PATH, {
          headers: { ...this.api.authHeaders(), Accept: 'text/event-stream' },
          cache: 'no-store',
          signal: this.controller.signal,
        });
        if (response.status === 401) {
          this.stopped = true;
          this.onState('stopped', 'the sign-in is no longer valid');
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        this.onState('live');
        this.pause = 1000;
        await this.read(response.body.getReader());
      } catch (failure) {
        if (this.stopped) return;
        this.onState('reconnecting', failure.message);
      }
      if (this.stopped) return;
      this.onState('reconnecting', 'the stream ended');
      await new Promise((resolve) => setTimeout(resolve, this.pause));
      this.pause = Math.min(MAX_PAUSE_MS, this.pause * 2);
    }
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        this.dispatch(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
      }
    }
  }

  dispatch(block) {
    let name = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue; // heartbeat comment
      if (line.startsWith('event: ')) name = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (name === 'position' && data.length) this.onDevice(JSON.parse(data.join('\n')));
    if (name === 'removed' && data.length) this.onRemoved(JSON.parse(data.join('\n')));
  }
}
