// An app whose out_file and error_file lie outside PM2_HOME/logs: it logs
// one success of the omni pattern set (and one failure with EXT_FAIL=1),
// then stays up.  Its environment holds a fake secret that must never
// leave dump.pm2.  tests/pm2/pm2_daemon.sh
'use strict';
console.log('[Omni] Ticket created successfully: { ticketId: 1, ticket_number: "T-1" }');
if (process.env.EXT_FAIL === '1')
	console.error("[Omni] Failed to create ticket: { status: false, errors: { file: 'RoutesRequests.php' } }");
setInterval(() => {}, 1000);
