// The programs `npm test` needs beyond npm's packages, checked before any test runs. Where one is
// missing and this machine can install it (root with apt-get, or passwordless sudo), it is
// installed and said so; otherwise this stops at once, naming what is missing and how to get it.
//   node scripts/provision.mjs            check, install what is missing where possible
//   node scripts/provision.mjs --check    check only: never install
// Plain Node with no packages, so it runs before `npm ci` too (.ci/run calls it first).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const env = process.env;
const root = process.getuid?.() === 0;

/** Whether `file` exists and may be run. */
function runnable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` found on PATH (or an absolute path that exists). */
function onPath(name) {
  if (name.includes('/')) return runnable(name);
  return (env.PATH ?? '').split(':').some((dir) => dir !== '' && runnable(path.join(dir, name)));
}

/** A browser Playwright downloaded itself (`npx playwright install chromium`), where that works. */
function playwrightChromium() {
  const cache = env.PLAYWRIGHT_BROWSERS_PATH || path.join(homedir(), '.cache', 'ms-playwright');
  try {
    return readdirSync(cache).some((entry) => entry.startsWith('chromium'));
  } catch {
    return false;
  }
}

/**
 * Each program: how to tell it is here, the Debian package that brings it, and the variable that
 * points at another binary. `optional` ones leave a suite out (which says why) rather than fail it.
 */
const PROGRAMS = [
  {
    name: 'chromium',
    package: 'chromium',
    variable: 'CHROMIUM_PATH',
    present: () => (env.CHROMIUM_PATH ? runnable(env.CHROMIUM_PATH) : existsSync('/usr/bin/chromium') || playwrightChromium()),
    elsewhere: 'or `npx playwright install chromium` where downloads work',
  },
  {
    name: 'chromium-headless-shell',
    package: 'chromium-headless-shell',
    // The faster shell is used when there; with CHROMIUM_PATH or Playwright's own browser it is not needed.
    present: () => Boolean(env.CHROMIUM_PATH) || existsSync('/usr/bin/chromium-headless-shell') || playwrightChromium(),
  },
  { name: 'firefox-esr', package: 'firefox-esr', variable: 'FIREFOX_PATH', present: () => runnable(env.FIREFOX_PATH || '/usr/bin/firefox-esr') },
  { name: 'redis-server', package: 'redis-server', variable: 'REDIS_SERVER_PATH', present: () => onPath(env.REDIS_SERVER_PATH || 'redis-server') },
  { name: 'turnserver', package: 'coturn', present: () => onPath('turnserver') },
  { name: 'ip', package: 'iproute2', present: () => onPath('ip') || runnable('/usr/sbin/ip') },
  { name: 'unshare', package: 'util-linux', present: () => onPath('unshare') || runnable('/usr/bin/unshare') },
  // The NAT lab needs root for its namespaces anyway: without root it is skipped, and says so.
  { name: 'iptables', package: 'iptables', present: () => onPath('iptables') || runnable('/usr/sbin/iptables'), optional: !root },
];

/** How this machine can install Debian packages, if it can: as root, or through passwordless sudo. */
function installer() {
  if (process.argv.includes('--check') || env.MESHCHAT_NO_INSTALL === '1') return undefined;
  if (!onPath('apt-get')) return undefined;
  if (root) return [];
  if (onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 5_000 }).status === 0) return ['sudo', '-n'];
  return undefined;
}

function run(prefix, command) {
  const [program, ...args] = [...prefix, ...command];
  const result = spawnSync(program, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

const missing = () => PROGRAMS.filter((program) => !program.present());
let absent = missing();
// A variable naming a file that is not there is a mistake to fix, not a package to install.
const misnamed = absent.filter((program) => program.variable && env[program.variable]);
const sudo = installer();
const installable = absent.filter((program) => !misnamed.includes(program) && !program.optional);
if (installable.length > 0 && sudo !== undefined) {
  const packages = [...new Set(installable.map((program) => program.package))];
  console.log(`provision: installing ${packages.join(' ')} (Debian packages the tests need)`);
  if (!run(sudo, ['apt-get', 'update', '-qq']) || !run(sudo, ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages])) {
    console.error('provision: apt-get failed; see above');
  }
  absent = missing();
}

const required = absent.filter((program) => !program.optional);
for (const program of absent.filter((each) => each.optional)) console.log(`provision: ${program.name} is missing; the suites that need it say why they skip`);
if (required.length > 0) {
  const packages = [...new Set(required.filter((program) => !misnamed.includes(program)).map((program) => program.package))];
  const lines = [`npm test needs programs this machine does not have: ${required.map((program) => program.name).join(', ')}.`];
  if (packages.length > 0) lines.push(`Install them (Debian/Ubuntu):  sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`);
  for (const program of required) {
    if (misnamed.includes(program)) lines.push(`${program.variable}=${env[program.variable]} names no program that can run: fix or unset it.`);
    else if (program.variable) lines.push(`Or point ${program.variable} at a ${program.name} you have${program.elsewhere ? ` (${program.elsewhere})` : ''}.`);
  }
  lines.push('No test was run.');
  console.error(`provision: ${lines.join('\nprovision: ')}`);
  process.exit(1);
}
