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

export interface StunService {
  port: number;
  close(): Promise<void>;
}

/**
 * A STUN server for browsers, on the signaling host: it answers Binding requests with the address
 * and port they came from (XOR-MAPPED-ADDRESS), which is all a browser behind a NAT needs to offer
 * its public side. Nothing else is answered, and nothing is kept but per-address budgets.
 */
export async function startStun(options: { port: number; host: string; log: Logger }): Promise<StunService> {
  const socket = createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
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
    // Only a well-formed Binding request gets an answer, and only within its sender's budget.
    if (packet.length < HEADER_BYTES || packet.readUInt32BE(4) !== MAGIC_COOKIE) return;
    const length = packet.readUInt16BE(2);
    if (length % 4 !== 0 || packet.length !== HEADER_BYTES + length) return;
    if (packet.readUInt16BE(0) !== stun.constants.STUN_BINDING_REQUEST) return;
    if (!allowed(from.address, Date.now())) {
      if (refused++ % 1000 === 0) options.log.warn({ event: 'stun-over-budget', refused }, 'STUN requests over budget dropped');
      return;
    }
    try {
      const request = stun.decode(packet);
      const answer = stun.createMessage(stun.constants.STUN_BINDING_RESPONSE, request.transactionId);
      answer.addXorAddress(from.address, from.port);
      socket.send(answer.toBuffer(), from.port, from.address);
    } catch (error: unknown) {
      options.log.debug({ event: 'stun-bad-request', bytes: packet.length, err: error }, 'dropped a malformed STUN request');
    }
  });
  socket.on('error', (error) => options.log.warn({ event: 'stun-error', err: error }, 'STUN socket error'));

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.host, () => {
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
