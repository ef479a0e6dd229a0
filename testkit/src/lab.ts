// The NAT lab by hand: `npm run lab -w testkit` builds the lab's internet and sites, starts the
// signaling server (with its STUN) on the internet, prints how to reach each site, and takes it
// all down on Enter or Ctrl-C. Open a browser in a site with the printed command, e.g.
//   ip netns exec <site's namespace> chromium --no-sandbox http://203.0.113.1:8080/?room=lab
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { INTERNET_ADDRESS, NatLab, SITES, whyNoLab } from './nat-lab';

const why = whyNoLab();
if (why) {
  process.stderr.write(`lab: ${why}\n`);
  process.exit(2);
}
const lab = NatLab.create(SITES);
const cli = fileURLToPath(new URL('../../signaling/src/cli.ts', import.meta.url));
const server = spawn('ip', ['netns', 'exec', lab.internet, process.execPath, '--import', 'tsx', cli, '--host', INTERNET_ADDRESS, '--port', '8080'], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
process.stdout.write(`\nThe lab's internet is ${lab.internet}; the chat is at http://${INTERNET_ADDRESS}:8080/ (STUN on UDP 3478).\n`);
for (const site of lab.sites) {
  for (const host of site.hosts) process.stdout.write(`  ${site.name.padEnd(6)} ${site.kind.padEnd(9)} ${host.address.padEnd(14)} ip netns exec ${host.ns} bash\n`);
}
process.stdout.write('\nPress Enter (or Ctrl-C) to take the lab down.\n');
const down = () => {
  server.kill('SIGTERM');
  lab.close();
  process.exit(0);
};
process.on('SIGINT', down);
process.on('SIGTERM', down);
createInterface({ input: process.stdin }).once('line', down);
