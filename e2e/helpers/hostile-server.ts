import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import express from 'express';
import { Server, type Socket } from 'socket.io';
import { untilTestEnds } from '@meshchat/testkit/processes';

const DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));

type Signal = { type: string; sdp?: string; candidate?: RTCIceCandidateInit };

/**
 * TEST ONLY: a compromised signaling server. It speaks meshchat's protocol well enough to seat
 * people in a room, but hands every offer, answer and candidate to an attacker page, which answers
 * each victim with WebRTC endpoints (and DTLS certificates, so fingerprints) of its own and relays
 * the data channels between them: a man in the middle. It lives in e2e/ and is never built into
 * the product. It closes when the test ends.
 */
export async function startHostileServer(attacker: Page): Promise<{
  url: string;
  /** Every frame the attacker relayed, as it saw it. */
  relayed: string[];
  inject(victim: string, posingAs: string, frame: string): Promise<void>;
  close(): Promise<void>;
}> {
  const app = express();
  app.get('/ice', (_request, response) => response.json({ iceServers: [], expiresAt: null }));
  app.get('/attacker', (_request, response) => response.type('html').send('<!doctype html><title>attacker</title>'));
  app.use(express.static(DIST));
  const http = createServer(app);
  const io = new Server(http);
  const members = new Map<string, Socket>();
  const relayed: string[] = [];

  io.on('connection', (socket) => {
    socket.on('join', ({ nick, room }: { nick: string; room: string }, ack: (result: unknown) => void) => {
      const peers = [...members.keys()];
      for (const other of members.values()) other.emit('peer-joined', { nick });
      members.set(nick, socket);
      ack({ ok: true, room, nick, peers, capacity: 16, session: 'hostile-session-token-0000' });
    });
    socket.on('signal', ({ to, data }: { to: string; data: Signal }, ack?: (result: unknown) => void) => {
      ack?.({ ok: true });
      const from = [...members].find(([, member]) => member === socket)?.[0];
      if (from) void attacker.evaluate(([f, t, d]) => (window as unknown as Mitm).mitm.fromVictim(f, t, d), [from, to, data] as const);
    });
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      if (event !== 'join' && event !== 'signal' && typeof ack === 'function') ack({ ok: true });
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  await attacker.exposeFunction('toVictim', (to: string, from: string, data: Signal) => members.get(to)?.emit('signal', { from, data }));
  await attacker.exposeFunction('sawFrame', (frame: string) => relayed.push(frame));
  await attacker.goto(`${url}/attacker`);
  await attacker.evaluate(installMitm);
  // The victims' pages reconnect at once over their kept-alive connections: cut those too, or it never closes.
  const close = () => {
    const closed = new Promise<void>((resolve) => void io.close(() => resolve()));
    http.closeAllConnections();
    return closed;
  };
  untilTestEnds({ stop: close });
  return {
    url,
    relayed,
    inject: (victim: string, posingAs: string, frame: string) =>
      attacker.evaluate(([v, p, f]) => (window as unknown as Mitm).mitm.inject(v, p, f), [victim, posingAs, frame] as const),
    close,
  };
}

interface Mitm {
  mitm: {
    fromVictim(from: string, to: string, data: Signal): Promise<void>;
    /** Send a frame of the attacker's own to `victim`, on the leg where it poses as `posingAs`. */
    inject(victim: string, posingAs: string, frame: string): void;
  };
}

/** Runs in the attacker page: two WebRTC legs per victim pair, relaying every frame between them. */
function installMitm(): void {
  const page = window as unknown as {
    toVictim(to: string, from: string, data: Signal): Promise<void>;
    sawFrame(frame: string): Promise<void>;
  } & Mitm;
  interface Leg {
    pc: RTCPeerConnection;
    channel?: RTCDataChannel;
    pending: string[];
    chain: Promise<void>;
  }
  const legs = new Map<string, Leg>();
  const key = (victim: string, posingAs: string) => `${victim}\u0000${posingAs}`;

  function leg(victim: string, posingAs: string): Leg {
    const existing = legs.get(key(victim, posingAs));
    if (existing) return existing;
    const pc = new RTCPeerConnection({ iceServers: [] });
    const made: Leg = { pc, pending: [], chain: Promise.resolve() };
    legs.set(key(victim, posingAs), made);
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) {
        const { candidate: line, sdpMLineIndex, sdpMid } = candidate;
        void page.toVictim(victim, posingAs, { type: 'candidate', candidate: { candidate: line, sdpMLineIndex, sdpMid } });
      }
    };
    pc.ondatachannel = ({ channel }) => wire(made, channel, posingAs, victim);
    return made;
  }

  /** Frames from `victim` on this leg go out, unread but recorded, on the leg facing `posingAs`. */
  function wire(from: Leg, channel: RTCDataChannel, posingAs: string, victim: string): void {
    from.channel = channel;
    const flush = () => {
      for (const frame of from.pending.splice(0)) channel.send(frame);
    };
    if (channel.readyState === 'open') flush();
    else channel.onopen = flush;
    channel.onmessage = ({ data }) => {
      const frame = String(data);
      void page.sawFrame(frame);
      // The onward leg may not be negotiated yet: queue for it until its channel opens.
      const onward = leg(posingAs, victim);
      if (onward.channel?.readyState === 'open') onward.channel.send(frame);
      else onward.pending.push(frame);
    };
  }

  page.mitm = {
    async fromVictim(from, to, data) {
      const facing = leg(from, to);
      facing.chain = facing.chain.then(async () => {
        if (data.type === 'offer' || data.type === 'answer') await facing.pc.setRemoteDescription({ type: data.type, sdp: data.sdp ?? '' });
        if (data.type === 'candidate' && data.candidate) await facing.pc.addIceCandidate(data.candidate);
        if (data.type !== 'offer') return;
        const answer = await facing.pc.createAnswer();
        await facing.pc.setLocalDescription(answer);
        await page.toVictim(from, to, { type: 'answer', sdp: answer.sdp ?? '' });
        // The other leg: to the victim's intended peer, posing as the victim.
        const other = leg(to, from);
        wire(other, other.pc.createDataChannel('mitm'), from, to);
        const offer = await other.pc.createOffer();
        await other.pc.setLocalDescription(offer);
        await page.toVictim(to, from, { type: 'offer', sdp: offer.sdp ?? '' });
      });
      await facing.chain;
    },
    inject(victim, posingAs, frame) {
      legs.get(key(victim, posingAs))?.channel?.send(frame);
    },
  };
}
