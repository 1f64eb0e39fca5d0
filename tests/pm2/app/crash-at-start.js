// Throws as soon as it starts, every time: PM2 restarts it until it gives
// up ("too many unstable restarts", status errored).  tests/pm2/pm2_daemon.sh
'use strict';
throw new Error('crash-at-start: cannot start');
