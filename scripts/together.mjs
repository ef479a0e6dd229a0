// Run npm scripts side by side and print each one's output whole when it ends (never interleaved);
// exit non-zero if any failed. The integration passes (memory store, Redis store) spend much of
// their time waiting on timers and sockets, so two at once take little more than the longer one:
//   node scripts/together.mjs test:integration:memory test:integration:redis
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: node scripts/together.mjs <npm script> [<npm script> ...]');
  process.exit(2);
}

const runs = scripts.map(
  (script) =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      const output = [];
      child.stdout.on('data', (chunk) => output.push(chunk));
      child.stderr.on('data', (chunk) => output.push(chunk));
      child.on('close', (code, signal) => {
        process.stdout.write(Buffer.concat(output));
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        console.log(`together: ${script} ${code === 0 ? 'passed' : `FAILED (${code ?? signal})`} in ${seconds} s`);
        resolve(code === 0);
      });
    }),
);
// Stopped (Ctrl-C): the children get the same signal from the terminal; wait for them, then go.
const results = await Promise.all(runs);
process.exit(results.every(Boolean) ? 0 : 1);
