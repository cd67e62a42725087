// Follows one Server-Sent-Events URL with the npm `eventsource` package (the WHATWG EventSource
// client, pinned in package.json) the way a browser would, printing one JSON line per thing seen:
//   {"seen":"open"} / {"seen":"task"|"progress"|"log", "id", "status"?, "attempt"?} / {"seen":"error", "readyState"}
// It stops, printing {"seen":"closed", ...}, when the client itself gives up (readyState CLOSED,
// e.g. after the server answered 204), and exits 1 after the time limit (seconds, 2nd argument).
import { EventSource } from 'eventsource';

const [url, limitSeconds = '120'] = process.argv.slice(2);
const say = (what) => process.stdout.write(JSON.stringify(what) + '\n');
const source = new EventSource(url);
let opens = 0;
let errors = 0;

source.addEventListener('open', () => { opens++; say({ seen: 'open' }); });
for (const name of ['task', 'progress', 'log']) {
  source.addEventListener(name, (event) => {
    const data = JSON.parse(event.data);
    say({ seen: name, id: event.lastEventId, status: data.status, attempt: data.attempt ?? data.attempts });
  });
}
source.addEventListener('error', (event) => {
  errors++;
  say({ seen: 'error', readyState: source.readyState, code: event.code ?? null, message: event.message ?? null });
  if (source.readyState === EventSource.CLOSED) {
    say({ seen: 'closed', opens, errors });
    process.exit(0);
  }
});
setTimeout(() => {
  say({ seen: 'timeout', opens, errors, readyState: source.readyState });
  source.close();
  process.exit(1);
}, Number(limitSeconds) * 1000);
