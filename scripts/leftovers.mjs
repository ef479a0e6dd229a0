// The end of `npm test`: no process the suite started may outlive it. Every process of the run
// inherits MESHCHAT_TEST_RUN=<id> (servers, browsers, Redis, coturn, even detached ones); any still
// alive a few seconds after the suite ended is reported, killed, and fails the run.
//   node scripts/leftovers.mjs <id>
import { readFileSync, readdirSync } from 'node:fs';

const id = process.argv[2];
/** Stragglers get this long to finish exiting (a browser closing its last renderers). */
const GRACE_MS = 5_000;

if (!id) {
  console.error('usage: node scripts/leftovers.mjs <run id>');
  process.exit(2);
}

const read = (path) => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null; // gone already, or not ours to read
  }
};

function leftovers() {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const environ = read(`/proc/${entry}/environ`);
    if (environ === null || !environ.split('\0').includes(`MESHCHAT_TEST_RUN=${id}`)) continue;
    const stat = read(`/proc/${entry}/stat`) ?? '';
    if (/\) Z /.test(stat)) continue; // a zombie has exited; its parent just has not reaped it yet
    found.push({ pid: Number(entry), command: (read(`/proc/${entry}/cmdline`) ?? '').replaceAll('\0', ' ').trim().slice(0, 200) });
  }
  return found;
}

if (!readdirSync('/proc', { withFileTypes: true }).some((entry) => entry.name === 'self')) {
  console.log('leftovers: no /proc on this system, not checked');
  process.exit(0);
}
const deadline = Date.now() + GRACE_MS;
let found = leftovers();
while (found.length > 0 && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  found = leftovers();
}
if (found.length === 0) {
  console.log('leftovers: no process of the test run is still running');
  process.exit(0);
}
console.error(`leftovers: ${found.length} process(es) of the test run outlived it by ${GRACE_MS / 1000} s; killing them:`);
for (const { pid, command } of found) {
  console.error(`  ${pid} ${command}`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // exited meanwhile
  }
}
process.exit(1);
