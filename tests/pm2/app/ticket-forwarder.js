'use strict';
// Fake ticket forwarder for omniwatch's PM2 black-box test (no npm packages).
//
// It forwards OMNI_TICKETS tickets to the partner API stub (partner-stub.js)
// on 127.0.0.1:OMNI_STUB_PORT and logs each outcome the way the seed service
// does:
//   console.error('[Omni] Failed to create ticket:', body)   body = parsed JSON error
//   console.log('[Omni] Ticket created successfully:', res)  res has ticketId, ticket_number
// with ordinary lines, an Omni info line, stack traces and UTF-8 text between
// them.  What it logged is its truth: it writes the counts, classified the way
// the `omni` pattern set should classify them, to OMNI_TRUTH_DIR/<app>-<pid>.json
// (written to a temporary name, then renamed), and only then prints the line
// "[app] DONE ..." on stdout and on stderr.  Once both DONE lines are in the log
// files, every record before them is there too.  Then it stays alive until PM2
// stops it.
//
// Env:
//   OMNI_STUB_PORT   port of the stub (required)
//   OMNI_TRUTH_DIR   where to write the truth file (required)
//   OMNI_APP         app name for the truth file (default: PM2's `name`)
//   OMNI_TICKETS     tickets per process (default 40)
//   OMNI_FIRST       first ticket number (default 1); cluster instance k starts
//                    at OMNI_FIRST + k * OMNI_TICKETS, so instances differ
//   OMNI_DELAY_MS    pause between tickets in normal mode (default 10)
//   OMNI_BURST=1     burst mode: forward every ticket first, then log all the
//                    outcomes in one synchronous loop (like samples/pm2/app/burst.js),
//                    so that fork mode with --time may damage some records.
//                    Every record then spans several lines (breakLength 0):
//                    when a 64 KiB chunk edge cuts a one-line record after its
//                    head, the rest ("03756' }") holds nothing that says what
//                    it was, so "failures + successes + damaged == logged"
//                    could not hold.  A multi-line record cut in its head
//                    still has body lines with ticketId: or status: false.
//   OMNI_SEQ=1       numbered records (tests/pm2/pm2_watch.sh): every
//                    [Omni] record ends with the key "seq: N", N its ticket
//                    number (unique across apps when their OMNI_FIRST ranges
//                    do not overlap), and the truth file lists each record as
//                    [N, "success"] or [N, "failure", class] in "records", so
//                    a test can tell which records a rotation lost.  The key
//                    goes last, inside the object, so it travels in the same
//                    write as the record and no pattern of `omni` sees it.
// All data is fake: hosts are example.test, tokens are not real.
const http = require('http');
const fs = require('fs');
const path = require('path');
const util = require('util');

const PORT = Number(process.env.OMNI_STUB_PORT);
const TRUTH_DIR = process.env.OMNI_TRUTH_DIR;
const APP = process.env.OMNI_APP || process.env.name || 'omni-app';
const N = Number(process.env.OMNI_TICKETS || 40);
const INSTANCE = Number(process.env.NODE_APP_INSTANCE || 0);
const FIRST = Number(process.env.OMNI_FIRST || 1) + INSTANCE * N;
const DELAY_MS = Number(process.env.OMNI_DELAY_MS || 10);
const BURST = process.env.OMNI_BURST === '1';
const SEQ = process.env.OMNI_SEQ === '1';

const truth = {
  app: APP,
  instance: INSTANCE,
  pid: process.pid,
  mode: BURST ? 'burst' : 'normal',
  tickets: N,
  failures: 0,
  successes: 0,
  classes: { route_not_found: 0, other: 0 },
};
if (SEQ)
  truth.records = [];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

// POST one ticket; resolves to {code, body} (body parsed, or null).
function forward(n) {
  const payload = JSON.stringify({
    ticket: n,
    subject: `Test ticket #${n} (fake)`,
    channel: 'email',
    customer: { email: `customer${n}@example.test` },
  });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: PORT,
      method: 'POST',
      path: '/api/v1/tickets',
      agent,
      headers: {
        Host: 'partner.example.test',
        Authorization: 'Bearer FAKE-TEST-TOKEN-0000',
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(payload),
      },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        let body = null;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch (e) {
          body = null;
        }
        resolve({ code: res.statusCode, body });
      });
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`stub timeout (ticket ${n})`)));
    req.end(payload);
  });
}

// The Lumen "route not found" 404: status false, errors naming RoutesRequests.php.
function isRoute404(body) {
  return body && body.status === false && body.errors &&
    typeof body.errors.file === 'string' && /RoutesRequests\.php$/.test(body.errors.file);
}

// Three shapes of success record: one line, several lines, nested (depth > 2).
function successRecord(n, data, k) {
  const ticketId = data.id;
  const ticket_number = data.number;
  if (k % 3 === 0)
    return { ticketId, ticket_number };
  if (k % 3 === 1)
    return {
      ticketId,
      ticket_number,
      subject: `Printer on floor 3 won't print (ticket #${n})`,
      requester: { email: `customer${n}@example.test`, name: 'Pelanggan Uji' },
      tags: ['pm2', 'test', 'fake'],
    };
  return {
    ticketId,
    ticket_number,
    partner: { status: true, data: { id: data.id, number: data.number, links: { self: `https://partner.example.test/api/v1/tickets/${data.id}` } } },
    queue: 'support',
  };
}

let nsucc = 0;

// Log one outcome and count it.  Returns nothing; counts go to `truth`.
function logOutcome(n, out) {
  const ok = out.code >= 200 && out.code < 300 && out.body && out.body.status === true;
  if (ok) {
    const res = successRecord(n, out.body.data, nsucc++);
    if (SEQ) {
      res.seq = n;
      truth.records.push([n, 'success']);
    }
    console.log('[Omni] Ticket created successfully:', res);
    truth.successes++;
    return;
  }
  const err = out.body || { status: false, message: `HTTP ${out.code}` };
  const cls = isRoute404(err) ? 'route_not_found' : 'other';
  console.error('[Omni] Failed to create ticket:', SEQ ? { ...err, seq: n } : err);
  truth.failures++;
  truth.classes[cls]++;
  if (SEQ)
    truth.records.push([n, 'failure', cls]);
}

// Noise between records: ordinary lines, an Omni info line, stack traces.
function noiseBefore(n, i) {
  console.log(`[http] POST /api/v1/tickets -> partner.example.test (ticket #${n})`);
  if (i % 4 === 0)
    console.log(`[Omni] Forwarding ticket #${n} to partner.example.test`);
  if (i % 8 === 3) {
    const e = new Error('socket hang up');
    e.code = 'ECONNRESET';
    console.error('[worker] partner call retried after socket hang up:', e);
  }
  if (i % 16 === 7)
    console.log(`[i18n] Tiket #${n} diteruskan ke mitra — terima kasih, Désirée ✅`);
}

function writeTruth() {
  fs.mkdirSync(TRUTH_DIR, { recursive: true });
  const file = path.join(TRUTH_DIR, `${APP}-${process.pid}.json`);
  fs.writeFileSync(file + '.tmp', JSON.stringify(truth) + '\n');
  fs.renameSync(file + '.tmp', file);
}

async function runNormal() {
  for (let i = 0; i < N; i++) {
    const n = FIRST + i;
    noiseBefore(n, i);
    const out = await forward(n);
    logOutcome(n, out);
    if (i === Math.floor(N / 2))
      console.error(new TypeError(`Cannot read properties of undefined (reading 'ticketId') (ticket #${n})`));
    await sleep(DELAY_MS);
  }
}

async function runBurst() {
  util.inspect.defaultOptions.breakLength = 0;
  const outs = new Array(N);
  let next = 0;
  async function lane() {
    while (next < N) {
      const i = next++;
      outs[i] = await forward(FIRST + i);
    }
  }
  await Promise.all(Array.from({ length: 16 }, lane));
  // One synchronous loop: nothing else runs until every record is written.
  for (let i = 0; i < N; i++) {
    if (i % 10 === 0)
      console.log(`[http] POST /api/v1/tickets -> partner.example.test (ticket #${FIRST + i})`);
    logOutcome(FIRST + i, outs[i]);
  }
}

async function main() {
  if (!PORT || !TRUTH_DIR) {
    console.error('[app] OMNI_STUB_PORT and OMNI_TRUTH_DIR must be set');
    process.exit(2);
  }
  console.log(`[app] starting ticket-forwarder app=${APP} pid=${process.pid} instance=${INSTANCE} tickets=${N} first=${FIRST}${BURST ? ' burst' : ''}`);
  if (BURST)
    await runBurst();
  else
    await runNormal();
  agent.destroy();
  writeTruth();
  // Let the pipe drain so the DONE lines travel in a chunk of their own.
  await sleep(200);
  const done = `[app] DONE app=${APP} pid=${process.pid} failures=${truth.failures} successes=${truth.successes}`;
  console.log(done);
  console.error(done);
  setInterval(() => {}, 1 << 30);
}

main().catch((e) => {
  console.error('[app] fatal:', e);
  process.exit(1);
});
