// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the untyped package's declaration must come along wherever this file is compiled (bench and e2e compile it too)
/// <reference path="./msimerson-stun.d.ts" />
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import stun from '@msimerson/stun';
import type { Logger } from 'pino';

/**
 * Binding requests one address may send: a browser sends a handful per network interface while it
 * gathers candidates (and retransmits a few), so this leaves room for a busy household behind one
 * NAT and caps how much this server reflects towards any one (perhaps forged) address.
 */
const PER_ADDRESS = { burst: 60, perSecond: 20 } as const;
/** Answers a second, from everyone: the most a forged flood can make this server send. */
const TOTAL_PER_SECOND = 2_000;
/** STUN's fixed header: type, length, magic cookie, transaction id. */
const HEADER_BYTES = 20;
const MAGIC_COOKIE = 0x2112a442;
/**
 * The largest Binding request answered. A browser asking a STUN server sends the bare header (or a
 * few short attributes, under 100 bytes); anything near this is not a browser, and bigger packets
 * are dropped before they cost more than their first bytes.
 */
export const STUN_MAX_REQUEST_BYTES = 512;
/** Where STUN listens unless told otherwise: every interface, whatever the HTTP side listens on. */
export const STUN_ANY_HOST = '::';

export interface StunService {
  port: number;
  close(): Promise<void>;
}

/**
 * A STUN server for browsers, on the signaling host: it answers Binding requests with the address
 * and port they came from (XOR-MAPPED-ADDRESS), which is all a browser behind a NAT needs to offer
 * its public side. Nothing else is answered, and nothing is kept but per-address budgets.
 */
export async function startStun(options: { port: number; host?: string | undefined; log: Logger }): Promise<StunService> {
  const host = options.host ?? STUN_ANY_HOST;
  try {
    return await listen(host, options);
  } catch (error: unknown) {
    // A machine without IPv6 cannot bind '::'; every IPv4 interface is the next best thing.
    if (options.host !== undefined) throw error;
    return listen('0.0.0.0', options);
  }
}

async function listen(host: string, options: { port: number; log: Logger }): Promise<StunService> {
  const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
  const budgets = new Map<string, { left: number; at: number }>();
  let second = { at: 0, answered: 0 };
  let refused = 0;

  const allowed = (address: string, now: number): boolean => {
    if (Math.floor(now / 1000) !== second.at) second = { at: Math.floor(now / 1000), answered: 0 };
    if (second.answered >= TOTAL_PER_SECOND) return false;
    // Forget everyone now and then: a full bucket is what a new address gets anyway.
    if (budgets.size > 10_000) budgets.clear();
    const bucket = budgets.get(address) ?? { left: PER_ADDRESS.burst, at: now };
    bucket.left = Math.min(PER_ADDRESS.burst, bucket.left + ((now - bucket.at) / 1000) * PER_ADDRESS.perSecond);
    bucket.at = now;
    budgets.set(address, bucket);
    if (bucket.left < 1) return false;
    bucket.left -= 1;
    second.answered += 1;
    return true;
  };

  socket.on('message', (packet, from) => {
    // Only a small, well-formed Binding request gets an answer, and only within its sender's budget.
    // Its attributes are never read: the answer needs the header's transaction id and nothing else,
    // so a packet costs the same few comparisons whatever it carries.
    if (packet.length < HEADER_BYTES || packet.length > STUN_MAX_REQUEST_BYTES) return;
    if (packet.readUInt32BE(4) !== MAGIC_COOKIE || packet.readUInt16BE(0) !== stun.constants.STUN_BINDING_REQUEST) return;
    const length = packet.readUInt16BE(2);
    if (length % 4 !== 0 || packet.length !== HEADER_BYTES + length) return;
    const address = plainAddress(from.address);
    if (!allowed(address, Date.now())) {
      if (refused++ % 1000 === 0) options.log.warn({ event: 'stun-over-budget', refused }, 'STUN requests over budget dropped');
      return;
    }
    try {
      const answer = stun.createMessage(stun.constants.STUN_BINDING_RESPONSE, packet.subarray(8, HEADER_BYTES));
      answer.addXorAddress(address, from.port);
      socket.send(answer.toBuffer(), from.port, from.address);
    } catch (error: unknown) {
      options.log.debug({ event: 'stun-answer-failed', bytes: packet.length, err: error }, 'could not answer a STUN request');
    }
  });
  socket.on('error', (error) => options.log.warn({ event: 'stun-error', err: error }, 'STUN socket error'));

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { port } = socket.address() as AddressInfo;
  options.log.info({ event: 'stun-listening', port }, 'STUN listening');
  let closed: Promise<void> | undefined;
  return {
    port,
    close: () => (closed ??= new Promise((resolve) => socket.close(() => resolve()))),
  };
}

/** An IPv4 sender seen through a dual-stack socket (`::ffff:192.0.2.1`) is answered as IPv4. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}
