// A cluster worker.  The one with NODE_APP_INSTANCE 1 exits with code 3,
// 1.5 s after it starts (past PM2's default min_uptime of 1 s, so PM2
// restarts it each time), FLAKY_EXITS times in all, counted in the file
// FLAKY_DIR/exits; then it stays up like the others.
// tests/pm2/pm2_daemon.sh
'use strict';
const fs = require('fs');
const path = require('path');

const counter = path.join(process.env.FLAKY_DIR, 'exits');
const want = Number(process.env.FLAKY_EXITS || 2);
console.log(`worker ${process.env.NODE_APP_INSTANCE} up`);
if (process.env.NODE_APP_INSTANCE === '1') {
	let n = 0;
	try { n = Number(fs.readFileSync(counter, 'utf8')); } catch (e) { n = 0; }
	if (n < want) {
		fs.writeFileSync(counter, String(n + 1));
		setTimeout(() => {
			console.error(`worker 1 failing (exit ${n + 1} of ${want})`);
			process.exit(3);
		}, 1500);
	}
}
setInterval(() => {}, 1000);
