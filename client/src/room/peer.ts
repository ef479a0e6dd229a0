import {
  nickKey,
  type PeerMessage,
  type Result,
  type SignalData,
  type SigningAlgorithm,
  type Said,
} from '@meshchat/protocol';
import {
  InboundBudget,
  LinkSlot,
  RelayLink,
  type DirectLink,
  type Link,
  type LinkFailure,
  type LinkState,
} from '../net';
import { Mailbox } from './mailbox';
import { Detour } from './detour';
import { Proof } from './proof';
import { Keys } from './keys';
import { Retry } from './retry';
import { standingOf, type Standing } from './standing';

import type { PeerRoom as RoomOfPeers, PeerView } from './peer-room';

export type { PeerView } from './peer-room';
export type PeerRoom = RoomOfPeers<Peer>;


/**
 * One remote person in the room, and everything about them: their link and its retries, what we
 * wrote them and they have not acknowledged, what they showed us, their proof of the room's secret,
 * and what they may still send. Leaving is `dispose()`.
 *
 * What happens to their messages when the link drops: the link fails, `#lost` schedules a new one
 * (one side offers: the nickname that sorts first); our messages wait in the outbox, and when a
 * link opens again `flush` sends everything it has not carried, oldest first, and
 * `reacknowledge` acknowledges what arrived before the link counted as open.
 */
export class Peer {
  readonly nick: string;
  readonly budget = new InboundBudget();
  /** The key they sign their room messages with, as their own link (or a relayed one) showed it. */
  get signingKey(): { alg: SigningAlgorithm; key: string } | undefined {
    return this.#keys.theirs;
  }
  /** What People shows of our own link to them. */
  #direct: PeerView = { state: 'connecting' };
  readonly #room: PeerRoom;
  readonly #slot: LinkSlot;
  /** What goes between us, message by message: outbox, inbox, acknowledgements. */
  readonly mail: Mailbox;
  readonly #proof: Proof;
  readonly #keys: Keys;
  /** Bringing their link back after it was lost. */
  readonly #retry = new Retry();
  /** Reaching them through someone else while our own link does not work. */
  readonly detour: Detour;
  #disposed = false;
  /** Whether our own link was usable when we last looked, to tell the room once when it becomes so. */
  #wasDirect = false;
  /** Whether our own link to them has ever worked: a link that forms after that is a link come back. */
  #everUp = false;
  /** Their page said goodbye (closed or reloading): their link ends on purpose, and they leave unless they are back soon. */
  #leaving = false;

  constructor(nick: string, room: PeerRoom) {
    this.nick = nick;
    this.#room = room;
    this.#proof = new Proof(this, room.self.proofKey, (notice) => room.report.tell(notice));
    this.#keys = new Keys(
      () => room.self.ownKey,
      () => this.#slot.link,
      (link, ours, theirs) => void this.#proof.keyed(link, ours, theirs),
    );
    this.mail = new Mailbox({
      path: () => this.#path,
      trusted: () => this.trusted,
      holdingAcks: () => room.self.holdingAcks,
      receipt: (messageId, list) => room.inbound.receipt(messageId, list, nick),
      show: (message) => room.inbound.show(this, message),
    });
    this.#slot = new LinkSlot((initiator) => this.#makeLink(initiator));
    this.detour = new Detour(nick, room.ways, {
      direct: () => this.direct !== undefined,
      away: () => this.#direct.state === 'away',
      relayHooks: (via) => ({
        budget: this.budget,
        carry: (frame) => room.ways.carry(via, nick, frame),
        onDropped: () => room.report.dropped(),
      }),
      relayMessage: (link, message) => this.#message(link, message),
      relayState: (link, state, reason) => this.#relayState(link, state, reason),
    });
  }

  /** Our own link to them (not a relayed one). */
  get link(): DirectLink | undefined {
    return this.#slot.link;
  }

  /** What People shows of them: our own link, or the relayed one while ours does not work. */
  get view(): PeerView {
    if (this.#leaving) return { ...this.#direct, state: 'leaving' };
    const relayed = this.detour.link;
    if (this.direct || !relayed?.open) return this.#direct;
    return { state: 'connected', via: relayed.via, ...(this.#room.self.proofKey ? { verification: 'verified' as const } : {}) };
  }

  /** How they stand with us: what People shows and the log tells. */
  get standing(): Standing {
    return standingOf(this.view, this.#everUp);
  }

  /** Whether our own link to them is open, and whether their page said goodbye: what decides if they are gone when the server no longer lists them. */
  get listing(): { open: boolean; leaving: boolean } {
    return { open: this.#slot.link?.open === true, leaving: this.#leaving };
  }

  /** Our own link to them, when it is open and (in a private room) proved: files and relaying go on it alone. */
  get direct(): DirectLink | undefined {
    const link = this.#slot.link;
    return link?.open && this.#trustedOn(link) ? link : undefined;
  }

  /** What we say to them goes here: our own link when it works, else the relayed one. */
  get #path(): Link | undefined {
    const relayed = this.detour.link;
    return this.direct ?? (relayed?.open ? relayed : this.#slot.link);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Whether our own link proved the room's secret (the relayed one proves it as it is made). */
  get verification(): PeerView['verification'] {
    return this.#direct.verification;
  }

  /** In a private room, only a person who proved the secret is spoken to. */
  get trusted(): boolean {
    return this.#room.self.proofKey === undefined || this.view.verification === 'verified';
  }

  /** Offer them a link, unless one is open. */
  connect(): void {
    this.#slot.connect();
  }

  /** Send one frame on their open link, ours or the relayed one; `false` if it could not go. */
  send(message: PeerMessage): boolean {
    const path = this.#path;
    return path?.open === true && path.send(message);
  }

  /** Send one frame on our own link alone (files, relaying, whom we reach); `false` if it is not usable. */
  sendDirect(message: PeerMessage): boolean {
    return this.direct?.send(message) ?? false;
  }

  /** A signal they sent through the server, within what a person's negotiation takes. */
  signal(data: SignalData): void {
    if (!this.budget.take('signal', performance.now())) return;
    if (this.detour.signal(data)) return;
    try {
      this.#slot.signal(data);
    } catch (error: unknown) {
      // The browser refused another connection (too many): this person waits, nobody else is touched.
      console.warn('meshchat: could not answer a link', error);
      this.#slot.clear();
      this.update({ state: 'failed' });
    }
  }

  /** A frame of theirs held until they proved the room's secret: they did. */
  replay(message: PeerMessage): void {
    if (message.type === 'chat' || message.type === 'private' || message.type === 'act') this.mail.show(message);
    else this.#room.inbound.route(this, message);
  }

  /** A message of theirs came on `link`: shown once, or held until they prove the room's secret. */
  #received(link: Link, message: Said): void {
    this.mail.brought(link, message);
    if (this.#trustedOn(link)) this.mail.show(message);
    else if (this.view.verification !== 'failed') this.#proof.hold(message);
  }

  /**
   * They keep their seat but have no signaling connection (a closed tab, a lost network): no link
   * can form until they are back, and then they offer one themselves. Until then: no attempts, no
   * errors, shown as away. If they do not come back, the server says they left.
   */
  away(): void {
    if (this.#disposed || this.#slot.link?.open) return;
    this.#slot.clear();
    this.#retry.stop();
    this.update({ state: 'away' });
  }

  /** Set what People shows of our own link to them (its state, route, safety code, verification). */
  update(change: Partial<PeerView>): void {
    this.#direct = { ...this.#direct, ...change };
    const direct = this.direct;
    if (direct) this.detour.unwant();
    if (direct && !this.#wasDirect && !this.#disposed) this.#room.linkEvents.usable(this, direct);
    this.#wasDirect = direct !== undefined;
    this.#room.report.changed();
  }

  /** Our signing key is made: send it on the links open now (later links send it as they open). */
  keyReady(): void {
    const own = this.#slot.link;
    if (own?.open) this.#keys.send(own);
    const relayed = this.detour.link;
    if (relayed?.open) this.#keys.send(relayed);
  }

  /** They sent what nobody asked for, or more: their own link is cut, as for a flood, and retried later. */
  cutOff(): void {
    this.#slot.link?.fail({ why: 'flood' });
  }

  /** They left, or we did: no timer of theirs runs on, and their link closes. */
  dispose(): void {
    this.#disposed = true;
    this.#slot.clear();
    this.#proof.dispose();
    this.mail.dispose();
    this.#retry.stop();
    this.detour.close();
  }

  /** Whether what comes on `link` counts: a relayed link proved the secret as it was made; ours must prove it. */
  #trustedOn(link: Link): boolean {
    if (link instanceof RelayLink || this.#room.self.proofKey === undefined) return true;
    return link === this.#slot.link && this.#direct.verification === 'verified';
  }

  /** A frame on one of their links: what belongs to the link is handled here; the room routes the rest. */
  #message(link: Link, message: PeerMessage): void {
    if (message.type === 'chat' || message.type === 'private' || message.type === 'act') this.#received(link, message);
    else if (message.type === 'bye') this.#saidGoodbye();
    else if (message.type === 'proof') void this.#proof.check(link, message.mac);
    else if (message.type === 'key') this.#keys.heard(link, { alg: message.alg, key: message.key });
    else if (this.#trustedOn(link)) this.#room.inbound.route(this, message);
    else if (link === this.#slot.link && this.view.verification !== 'failed') this.#proof.hold(message);
  }

  /** Every new link starts unverified: the proof is per link. Why the last one broke is kept for Connection details. */
  #makeLink(initiator: boolean): DirectLink {
    this.#proof.dispose();
    const { problem } = this.#direct;
    this.#direct = problem ? { state: 'connecting', problem } : { state: 'connecting' };
    this.#wasDirect = false;
    const link: DirectLink = this.#room.self.links(this.nick, initiator, {
      budget: this.budget,
      onSignal: (data) => this.#room.ways.relay(this.nick, data, (result) => this.#signalled(result)),
      onMessage: (message) => this.#message(link, message),
      onChunk: (id, data) => {
        if (this.#trustedOn(link)) this.#room.inbound.chunk(this, id, data);
      },
      onTrack: (track, stream) => {
        if (this.#trustedOn(link)) this.#room.inbound.mediaArrived(this, track, stream);
      },
      onDropped: () => this.#room.report.dropped(),
      onRoute: (route, candidates) => this.update(candidates === undefined ? { route } : { route, candidates }),
      onStalled: () => this.detour.want(),
      onState: (state, reason) => {
        // A link that ends after its person left has nobody left to tell.
        if (this.#disposed) return;
        // Why it failed is part of what People shows, in the same change as the failure.
        this.update(state === 'failed' && reason ? { state, problem: reason } : { state });
        if (state === 'connected') this.#opened(link);
        if (state === 'failed') this.#lost(link, reason);
        this.#room.report.changed();
      },
    });
    return link;
  }

  /** A relayed link's state changed (after the detour's own bookkeeping). */
  #relayState(link: RelayLink, state: LinkState, reason: LinkFailure | undefined): void {
    if (this.#disposed) return;
    if (state === 'connected') this.#keys.send(link);
    if (state === 'connected' && !this.direct) {
      this.mail.flush();
      this.mail.reacknowledge();
    }
    if (state === 'failed') {
      if (reason?.why === 'tampered') this.#room.report.tell({ type: 'relay-tampered', nick: this.nick, via: link.via });
      // Someone else may reach them both; and what waited on this link goes on the next one.
      this.detour.consider();
      this.mail.flush();
    }
    this.#room.report.changed();
  }

  #opened(link: DirectLink): void {
    this.#everUp = true;
    this.#leaving = false;
    this.#retry.stop();
    this.#room.linkEvents.opened(this, link);
    this.#keys.send(link);
    void this.#proof.start(link);
    this.mail.flush();
    this.mail.reacknowledge();
  }

  #lost(link: DirectLink, reason: LinkFailure | undefined): void {
    this.#slot.forget(link);
    if (reason) this.#direct = { ...this.#direct, problem: reason };
    this.#room.linkEvents.lost(this, reason);
    // A page that said goodbye offers a new link itself if it comes back (a reload): nothing to try.
    if (this.#leaving) return;
    // A link that worked and broke: the way round, if there is one, is taken at once.
    this.detour.want();
    this.mail.flush();
    if (reason?.why === 'flood') this.#retry.flooded();
    // Only one side offers, so two offers never cross: the one whose nickname sorts first.
    this.#retry.schedule(nickKey(this.#room.self.me) < nickKey(this.nick), () => {
      const current = this.#slot.link;
      if (this.#disposed || current?.state === 'connecting' || current?.open) return;
      this.#slot.connect();
      this.#room.report.changed();
    });
  }

  /** They said goodbye: their link ending is no fault, and nothing is tried until they are back (a reload) or gone. */
  #saidGoodbye(): void {
    this.#leaving = true;
    this.#retry.stop();
    this.#room.report.changed();
  }

  /**
   * The server's answer to a signal for them. Refusals that only mean they are away, gone, or that
   * our own seat is not back yet are not news: away shows in People, gone starts the grace they
   * have to come back in, and our seat is being taken back. Anything else is worth telling.
   */
  #signalled(result: Result): void {
    if (result.ok) return;
    if (result.code === 'PEER_AWAY') this.away();
    else if (result.code === 'PEER_NOT_FOUND') this.#room.report.unlisted(this.nick);
    else if (result.code !== 'NOT_IN_ROOM') this.#room.report.tell({ type: 'refused', event: 'signal', code: result.code });
  }

}
