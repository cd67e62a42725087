// Server-Sent Events read with fetch, so the request carries the Authorization header (EventSource
// cannot send headers, and a token in the URL would end up in logs). Reconnects with Last-Event-ID
// after a dropped connection; stops when the server answers 204, when the handler returns false
// (e.g. at a terminal status), on 401/403, or on close().
import { headers, ApiError } from './api.js';

/** {@code finished()}: asked when the server ends the response; true means do not reconnect (e.g. the task is over). */
export function stream(path, { onEvent, onState = () => {}, onError = () => {}, finished = () => false }) {
  const controller = new AbortController();
  let lastId = null;
  let closed = false;
  let backoff = 500;

  async function run() {
    while (!closed) {
      let response;
      try {
        const h = headers({ Accept: 'text/event-stream' });
        if (lastId !== null) h['Last-Event-ID'] = lastId;
        response = await fetch(path, { headers: h, signal: controller.signal, cache: 'no-store' });
      } catch (e) {
        if (closed) return;
        onState('reconnecting');
        await pause(backoff);
        backoff = Math.min(backoff * 2, 10000);
        continue;
      }
      if (response.status === 204) { onState('ended'); return; }
      if (!response.ok) {
        let message = `${response.status} ${response.statusText}`;
        try { message = (await response.json()).error || message; } catch { /* not an envelope */ }
        onError(new ApiError(response.status, message));
        if ([401, 403, 404].includes(response.status)) { onState('ended'); return; }
        await pause(backoff);
        backoff = Math.min(backoff * 2, 10000);
        continue;
      }
      onState('live');
      backoff = 500;
      const keepGoing = await read(response.body);
      if (!keepGoing || closed || finished()) { onState('ended'); return; }
      onState('reconnecting');
      await pause(backoff);
    }
  }

  /** Parses the event stream; false when the handler asked to stop. */
  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = { type: 'message', data: [], id: null };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return true;
        buffer += value;
        let newline;
        while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
          if (line === '') {
            if (event.data.length) {
              if (event.id !== null) lastId = event.id;
              let data = event.data.join('\n');
              try { data = JSON.parse(data); } catch { /* plain text */ }
              if (onEvent({ type: event.type, data, id: event.id }) === false) {
                controller.abort();
                return false;
              }
            }
            event = { type: 'message', data: [], id: null };
            continue;
          }
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const name = colon < 0 ? line : line.slice(0, colon);
          const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (name === 'event') event.type = val;
          else if (name === 'data') event.data.push(val);
          else if (name === 'id') event.id = val;
        }
      }
    } catch (e) {
      return !closed; // aborted by close(), or the connection dropped: reconnect unless closed
    }
  }

  run();
  return {
    close() {
      closed = true;
      controller.abort();
    },
  };
}

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
