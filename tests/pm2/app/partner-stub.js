'use strict';
// Stub of the partner ticket API for omniwatch's PM2 black-box test.
//
// Listens on 127.0.0.1 only.  The port comes from STUB_PORT (0, the default,
// lets the kernel choose); the port actually bound is written to the file
// named by STUB_PORT_FILE, via a rename so a reader never sees half a number.
//
// POST /api/v1/tickets with a JSON body {"ticket": N, ...}.  The answer depends
// only on N, so a run is reproducible:
//   N % 10 in {0, 3, 7}  404, the JSON a Laravel Lumen app sends for a route it
//                        does not know (errors.file ends in RoutesRequests.php);
//                        three variants of it, chosen by N / 10 % 3
//   N % 10 == 5          422 validation error (no RoutesRequests.php)
//   N % 10 == 9          500 {status:false, message:'Server Error'} or, for
//                        odd N / 10, 404 "customer not found" (no RoutesRequests.php)
//   otherwise            201 {status:true, data:{id, number}}
// Every other method or path gets the Lumen 404 too, as the real one would.
// All data is fake.
const http = require('http');
const fs = require('fs');

const LUMEN_FILE = '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php';

function lumen404(variant) {
  if (variant === 0)
    return { status: false, message: '', errors: { file: LUMEN_FILE, message: '', line: 229 } };
  if (variant === 1)
    return {
      status: false,
      message: '',
      errors: {
        file: LUMEN_FILE,
        message: '',
        line: 229,
        trace: [
          { file: '/srv/api/vendor/laravel/lumen-framework/src/Routing/Pipeline.php', line: 48, function: 'handle' },
          { file: '/srv/api/app/Http/Middleware/Authenticate.php', line: 37, function: 'handle' },
        ],
      },
    };
  // Short enough for util.inspect to print on one line.
  return { status: false, errors: { file: 'RoutesRequests.php' } };
}

function answer(n) {
  const d = n % 10;
  if (d === 0 || d === 3 || d === 7)
    return [404, lumen404(Math.floor(n / 10) % 3)];
  if (d === 5)
    return [422, { status: false, message: 'validation failed', errors: { subject: ['required'] } }];
  if (d === 9)
    return Math.floor(n / 10) % 2 === 0
      ? [500, { status: false, message: 'Server Error' }]
      : [404, { status: false, message: 'customer not found', errors: { customer: ['unknown'] } }];
  return [201, { status: true, data: { id: 50000 + n, number: `TCK-2026-${String(n).padStart(6, '0')}` } }];
}

function send(res, code, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== '/api/v1/tickets')
      return send(res, 404, lumen404(0));
    let n;
    try {
      n = Number(JSON.parse(Buffer.concat(chunks).toString('utf8')).ticket);
    } catch (e) {
      return send(res, 400, { status: false, message: 'bad json' });
    }
    if (!Number.isInteger(n) || n < 0)
      return send(res, 422, { status: false, message: 'validation failed', errors: { ticket: ['integer'] } });
    const [code, obj] = answer(n);
    send(res, code, obj);
  });
});

server.keepAliveTimeout = 5000;
server.listen(Number(process.env.STUB_PORT || 0), '127.0.0.1', () => {
  const port = String(server.address().port);
  const file = process.env.STUB_PORT_FILE;
  if (file) {
    fs.writeFileSync(file + '.tmp', port);
    fs.renameSync(file + '.tmp', file);
  } else {
    console.log(`partner stub listening on 127.0.0.1:${port}`);
  }
});
for (const sig of ['SIGTERM', 'SIGINT'])
  process.on(sig, () => process.exit(0));
