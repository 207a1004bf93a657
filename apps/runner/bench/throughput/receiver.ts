// The OpenConnect stand-in for the throughput bench (issue 16), in its own process so that its work is
// counted against neither side: it answers every POST at once (or after RECEIVER_DELAY_MS), counts what it
// got, checks each agent's order (the bench numbers every webhook: `interactionId` is `<n>` or `L<n>`), notes
// how many requests it held at once, and when each latency probe (`L<n>`) arrived. Unlike the core's emulator
// it keeps no message, so a run of a million costs it no memory.
//   GET /stats          → { count, outOfOrder, maxInFlight, firstAt, lastAt }
//   GET /arrivals       → { "<n>": epoch ms with sub-ms precision } for the probes since the last reset
//   POST /reset?delay=<ms> → counters back to zero, and from now on answer after that long (default 0)
import http from 'node:http';

let delayMs = Number(process.env.RECEIVER_DELAY_MS ?? 0);
const now = () => performance.timeOrigin + performance.now();

let count = 0;
let outOfOrder = 0;
let inFlight = 0;
let maxInFlight = 0;
let firstAt = 0;
let lastAt = 0;
let lastSeq = new Map<string, number>();
let arrivals: Record<string, number> = {};

function take(body: string) {
  const at = now();
  const fields = JSON.parse(body) as { agentid?: string; interactionId?: string };
  const id = String(fields.interactionId ?? '');
  const probe = id.startsWith('L');
  const seq = Number(probe ? id.slice(1) : id);
  const agent = String(fields.agentid);
  const before = lastSeq.get(agent);
  if (before !== undefined && seq <= before) outOfOrder++;
  lastSeq.set(agent, seq);
  if (probe) arrivals[seq] = at;
  if (count === 0) firstAt = at;
  lastAt = at;
  count++;
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    const out = req.url === '/arrivals' ? arrivals : { count, outOfOrder, maxInFlight, firstAt, lastAt };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(out));
    return;
  }
  if (req.url?.startsWith('/reset')) {
    delayMs = Number(new URL(req.url, 'http://x').searchParams.get('delay') ?? 0);
    count = outOfOrder = maxInFlight = firstAt = lastAt = 0;
    lastSeq = new Map();
    arrivals = {};
    res.end('{}');
    return;
  }
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const answer = () => {
      inFlight--;
      try {
        take(Buffer.concat(chunks).toString());
      } catch {
        res.statusCode = 400;
        res.end('{"error":"not a JSON OpenConnect message"}');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end('{"status":"ok"}');
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
