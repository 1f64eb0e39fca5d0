'use strict';
// Records of more than 64 KiB for pm2_big_record.sh (no npm packages): on
// stderr a Lumen-404 failure whose util.inspect output is about 110 KB (600
// fields of ~180 bytes: inspect truncates long strings at 10000 characters
// and arrays at 100 items, never an object's keys) and a short one; on
// stdout a success of the same size and a short one; then "[app] DONE" on
// both streams, and it stays alive until PM2 stops it.
function fat(n) {
	const o = {};
	for (let i = 0; i < n; i++)
		o['field_' + i] = 'value number ' + i + ' ' + 'y'.repeat(150);
	return o;
}
const lumen = { file: '/srv/api/vendor/laravel/lumen-framework/src/Concerns/RoutesRequests.php', line: 229 };
console.error('[Omni] Failed to create ticket:',
	Object.assign({ status: false, message: '' }, fat(600), { errors: lumen }));
console.log('[Omni] Ticket created successfully:',
	Object.assign({ ticketId: 1 }, fat(600), { ticket_number: 'T-1' }));
console.error('[Omni] Failed to create ticket:', { status: false, message: '', errors: lumen });
console.log('[Omni] Ticket created successfully:', { ticketId: 2, ticket_number: 'T-2' });
console.log('[app] DONE');
console.error('[app] DONE');
setInterval(() => {}, 1000);
