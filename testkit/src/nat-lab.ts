// A NAT lab: network namespaces joined by veth pairs that play the internet and the home and mobile
// networks on it, so browsers can be put behind the NATs real users sit behind. Nothing in it can
// reach beyond it: the "internet" is one bridge on TEST-NET-3 (203.0.113.0/24) whose default route
// ends in a cable to nowhere, routers have no default route, and every namespace is deleted (with
// whatever still runs in it) on close.
// See docs/testing.md, "The NAT lab".
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * `open`: a public address, no NAT. `cone`: a home router (MASQUERADE keeps the host's port, one
 * mapping for every destination, unsolicited packets dropped). `symmetric`: a new port for every
 * destination (MASQUERADE --random-fully), as many mobile carriers do.
 */
export type SiteKind = 'open' | 'cone' | 'symmetric';

export interface LabHost {
  /** The namespace the host's processes run in. */
  ns: string;
  /** Its own address: public for an open site, on its LAN behind a router otherwise. */
  address: string;
  /** A Chromium that runs in this host's namespace, for Playwright's `executablePath`. */
  chromium: string;
}

export interface LabSite {
  name: string;
  kind: SiteKind;
  /** The site's address on the internet: the host's for an open site, the router's otherwise. */
  wan: string;
  /** The router's namespace; none for an open site. */
  router?: string;
  hosts: LabHost[];
}

/** One site of each kind, two cone and two symmetric ones to pair with each other, and two hosts on one LAN. */
export const SITES = [
  { name: 'open', kind: 'open' },
  { name: 'cone1', kind: 'cone' },
  { name: 'cone2', kind: 'cone' },
  { name: 'sym1', kind: 'symmetric' },
  { name: 'sym2', kind: 'symmetric' },
  { name: 'lan', kind: 'cone', hosts: 2 },
] as const satisfies readonly { name: string; kind: SiteKind; hosts?: number }[];

/** The internet's own server address: signaling, STUN and TURN listen here. */
export const INTERNET_ADDRESS = '203.0.113.1';

/** Why the lab cannot be built here, or '' when it can. */
export function whyNoLab(): string {
  if (process.getuid?.() !== 0) return 'the NAT lab needs root, to make network namespaces';
  for (const [command, args] of [
    ['ip', ['-V']],
    ['iptables', ['-V']],
  ] as const) {
    try {
      execFileSync(command, args, { stdio: 'ignore' });
    } catch {
      return `the NAT lab needs ${command} (apt-get install ${command === 'ip' ? 'iproute2' : 'iptables'})`;
    }
  }
  return '';
}

/** `ip -batch`: one process for many commands, in `ns` when given. */
function batch(lines: readonly string[], ns?: string): void {
  if (lines.length === 0) return;
  execFileSync('ip', [...(ns ? ['-n', ns] : []), '-batch', '-'], { input: `${lines.join('\n')}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
}

let labs = 0;

/** A lab of sites on one internet; `close()` takes all of it down. */
export class NatLab {
  readonly internet: string;
  readonly sites: LabSite[] = [];
  readonly #prefix: string;
  readonly #namespaces: string[] = [];
  readonly #dir = mkdtempSync(path.join(tmpdir(), 'meshchat-lab-'));
  /** What is still to be done, batched: made in the host's namespace, in each namespace, and run in routers. */
  readonly #plan = { made: [] as string[], wired: [] as string[], within: new Map<string, string[]>(), routers: new Map<string, string[]>() };
  #closed = false;

  /** Build the internet and one site per entry; `hosts` browsers share a site's LAN (default 1). */
  static create(plan: readonly { name: string; kind: SiteKind; hosts?: number }[], browser = defaultChromium()): NatLab {
    const lab = new NatLab();
    try {
      plan.forEach((site, index) => lab.#addSite(site.name, site.kind, site.hosts ?? 1, index + 1, browser));
      // A worker that exits (interrupted, crashed) takes the lab down too; close() is synchronous for this.
      process.once('exit', lab.#onExit);
      lab.#build();
      return lab;
    } catch (error: unknown) {
      lab.close();
      throw error;
    }
  }

  private constructor() {
    // Names unique to this process and lab: workers build labs side by side.
    this.#prefix = `mc${process.pid % 100_000}x${++labs}`;
    this.internet = this.#namespace('net');
    this.#in(this.internet, 'link add br0 type bridge', `addr add ${INTERNET_ADDRESS}/24 dev br0`, 'link set br0 up');
    // The rest of the internet: a default route into a veth whose other end is down, where packets
    // vanish, as a packet to a private address does out there. Without it a send to such an address
    // fails (ENETUNREACH), and coturn closes the allocation that tried it ("reason: general"): a pair
    // behind two symmetric NATs then showed "relayed" and carried nothing.
    this.#in(this.internet, 'link add void0 type veth peer name void1', 'link set void0 up', 'route add default dev void0');
  }

  site(name: string): LabSite {
    const site = this.sites.find((each) => each.name === name);
    if (!site) throw new Error(`no site ${name} in this lab`);
    return site;
  }

  /**
   * Take a host's network away (its interface down, as when a phone leaves a Wi-Fi network) or
   * bring it back (up, with its default route again).
   */
  uplink(host: LabHost, up: boolean): void {
    const site = this.sites.find((each) => each.hosts.includes(host));
    if (!site) throw new Error('not a host of this lab');
    const gateway = site.kind === 'open' ? undefined : host.address.replace(/\.\d+$/, '.1');
    batch(up ? ['link set eth0 up', ...(gateway ? [`route replace default via ${gateway}`] : [])] : ['link set eth0 down'], host.ns);
  }

  /**
   * Give a site behind a NAT a new public address, as when a phone moves from Wi-Fi to mobile
   * data: the router's every mapping goes with the old address (the kernel drops a MASQUERADE's
   * connections when its address goes), and nothing sent to the old address arrives.
   */
  renumber(site: LabSite): void {
    if (!site.router) throw new Error('an open site has no NAT to renumber');
    const wan = site.wan.replace(/\.(\d+)$/, (_, last: string) => `.${Number(last) + 100}`);
    batch(['addr flush dev wan0', `addr add ${wan}/24 dev wan0`], site.router);
    site.wan = wan;
  }

  readonly #onExit = () => this.close();

  /** Stop whatever still runs in the lab's namespaces, delete them, and the files it wrote. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    process.off('exit', this.#onExit);
    for (const ns of this.#namespaces) {
      try {
        const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        for (const pid of pids.split(/\s+/).filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Nothing runs there, or it is gone already.
      }
    }
    try {
      execFileSync('ip', ['-force', '-batch', '-'], { input: this.#namespaces.map((ns) => `netns del ${ns}\n`).join(''), stdio: ['pipe', 'ignore', 'ignore'] });
    } catch {
      // -force goes on past a namespace that is gone already; what is left is reported by ip netns list.
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #namespace(role: string): string {
    const ns = `${this.#prefix}-${role}`;
    this.#namespaces.push(ns);
    this.#plan.made.push(`netns add ${ns}`);
    this.#in(ns, 'link set lo up');
    return ns;
  }

  #in(ns: string, ...lines: string[]): void {
    const list = this.#plan.within.get(ns) ?? [];
    list.push(...lines);
    this.#plan.within.set(ns, list);
  }

  /** A veth from `ns` (named `name` there) to the internet's bridge. */
  #uplink(ns: string, name: string, index: number): void {
    const port = `up${index}`;
    this.#plan.wired.push(`link add ${name} netns ${ns} type veth peer name ${port} netns ${this.internet}`);
    this.#in(this.internet, `link set ${port} master br0`, `link set ${port} up`);
  }

  #addSite(name: string, kind: SiteKind, hostCount: number, index: number, browser: string): void {
    const wan = `203.0.113.${10 + index}`;
    const hosts: LabHost[] = [];
    if (kind === 'open') {
      if (hostCount !== 1) throw new Error('an open site is one host with a public address');
      const ns = this.#namespace(`h${index}`);
      this.#uplink(ns, 'eth0', index);
      this.#in(ns, `addr add ${wan}/24 dev eth0`, 'link set eth0 up');
      hosts.push({ ns, address: wan, chromium: this.#wrapper(ns, browser) });
    } else {
      const router = this.#namespace(`r${index}`);
      this.#uplink(router, 'wan0', index);
      this.#in(router, `addr add ${wan}/24 dev wan0`, 'link set wan0 up', 'link add lan0 type bridge', `addr add 192.168.${index}.1/24 dev lan0`, 'link set lan0 up');
      this.#plan.routers.set(router, [
        'sysctl -qw net.ipv4.ip_forward=1',
        `iptables -t nat -A POSTROUTING -o wan0 -j MASQUERADE${kind === 'symmetric' ? ' --random-fully' : ''}`,
        // A home router's firewall: nothing unsolicited from outside. Without it an early probe from
        // the far side makes a conntrack entry that moves the mapping, and hole punching fails.
        'iptables -A INPUT -i wan0 -m conntrack --ctstate NEW,INVALID -j DROP',
      ]);
      for (let each = 0; each < hostCount; each++) {
        const ns = this.#namespace(`h${index}${String.fromCharCode(97 + each)}`);
        const port = `lan${each + 1}`;
        this.#plan.wired.push(`link add eth0 netns ${ns} type veth peer name ${port} netns ${router}`);
        this.#in(router, `link set ${port} master lan0`, `link set ${port} up`);
        const address = `192.168.${index}.${10 + each}`;
        this.#in(ns, `addr add ${address}/24 dev eth0`, 'link set eth0 up', `route add default via 192.168.${index}.1`);
        hosts.push({ ns, address, chromium: this.#wrapper(ns, browser) });
      }
    }
    this.sites.push({ name, kind, wan, hosts, ...(kind === 'open' ? {} : { router: `${this.#prefix}-r${index}` }) });
  }

  /** Make what was planned: namespaces and veths first, then each namespace's addresses, then the routers' NAT. */
  #build(): void {
    batch([...this.#plan.made, ...this.#plan.wired]);
    for (const [ns, lines] of this.#plan.within) batch(lines, ns);
    for (const [router, commands] of this.#plan.routers) {
      execFileSync('ip', ['netns', 'exec', router, 'sh', '-ec', commands.join('\n')], { stdio: ['ignore', 'ignore', 'pipe'] });
    }
  }

  /** A script that starts `browser` inside `ns`: Playwright's debugging pipe crosses into it. */
  #wrapper(ns: string, browser: string): string {
    const file = path.join(this.#dir, `chromium-${ns}`);
    writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${ns} ${browser} "$@"\n`);
    chmodSync(file, 0o755);
    return file;
  }
}

/**
 * The full browser, not the headless shell: the lab's servers are plain http on a public address,
 * which only `--unsafely-treat-insecure-origin-as-secure` (with a profile directory) makes a secure
 * context, and the headless shell ignores that flag.
 */
function defaultChromium(): string {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium']) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // Not this one.
    }
  }
  throw new Error('the NAT lab needs Debian chromium (or CHROMIUM_PATH)');
}
