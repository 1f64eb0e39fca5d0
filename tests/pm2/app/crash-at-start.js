// Throws as soon as it starts, every time, until the file HEAL_FILE
// exists: PM2 restarts it until it gives up ("too many unstable
// restarts", status errored); once healed it runs.
// tests/pm2/pm2_daemon.sh
'use strict';
const fs = require('fs');

if (!process.env.HEAL_FILE || !fs.existsSync(process.env.HEAL_FILE))
	throw new Error('crash-at-start: cannot start');
console.log('crash-at-start: healed, running');
setInterval(() => {}, 1000);
