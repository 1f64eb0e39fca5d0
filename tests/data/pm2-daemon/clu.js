// instance 1 exits with code 3 twice (after 1.5 s, past min_uptime), then stays
const fs = require('fs');
const id = process.env.NODE_APP_INSTANCE;
const f = '/home/app/example/clu-count';
console.log('instance ' + id + ' up');
if (id === '1') {
  let n = 0; try { n = +fs.readFileSync(f, 'utf8'); } catch (e) {}
  if (n < 2) { fs.writeFileSync(f, String(n + 1)); setTimeout(() => { console.error('instance 1 failing'); process.exit(3); }, 1500); }
}
setInterval(() => {}, 1000);
