import { msg, str } from '@lit/localize';
import { FILE_MAX_BYTES, isPairRoom, type ErrorCode, type LeaveReason } from '@meshchat/protocol';
import type { LinkFailure, Outage } from '../app';
import type { Command, Notice, PeerView, Provenance } from '../room';
import { currentLanguage } from './i18n';
import { errorText } from './first-words';

/** A request the server refused, and why. */
export function refusedText(event: string, code: ErrorCode): string {
  return msg(str`The server refused "${event}": ${errorText(code)}`);
}

/** An outage of the signaling server as one line: how it began, and how it ended once it has. */
export function outageText({ cause, end }: Outage): string {
  const opening = cause === 'lost' ? msg('Lost the signaling server.') : cause === 'shutdown' ? msg('The signaling server is shutting down.') : msg('The signaling server is out of reach.');
  if (!end && cause === 'unreachable') return `${opening} ${msg('This is what this browser kept of the room; you join its people when the server answers.')}`;
  if (!end) return `${opening} ${msg('Chats keep flowing over direct links; nobody new can join until it is back.')}`;
  return `${opening} ${end.back ? msg(str`Back after ${durationText(end.ms)}.`) : msg(str`Could not get your seat back: ${errorText(end.code)}`)}`;
}

export function leaveText(nick: string, reason: LeaveReason): string {
  switch (reason) {
    case 'left':
      return msg(str`${nick} left the room.`);
    case 'disconnected':
      return msg(str`${nick} lost their connection and left.`);
    case 'kicked':
      return msg(str`${nick} was removed by an admin.`);
  }
}

/**
 * What a command that only tells something says, line by line, in the reader's language (`users`:
 * who is here, in words); none for a command that does something.
 */
export function commandLines(command: Command, users: () => string): string[] | undefined {
  switch (command.kind) {
    case 'users':
      return [users()];
    case 'help':
      return helpLines();
    case 'usage':
      return [msg('Usage: /msg ‹nick› ‹text›')];
    case 'unknown-nick':
      return [msg(str`Nobody called "${command.nick}" is in this room. Type /users to see who is.`)];
    case 'unknown-command':
      return [msg(str`Unknown command "/${command.name}". Type /help for the list.`)];
    default:
      return undefined;
  }
}

export function helpLines(): string[] {
  return [
    msg('/msg ‹nick› ‹text› (or /to): a private message to one person'),
    msg('/users: who is in the room'),
    msg('/help: this list'),
    msg('/quit: leave the room'),
    msg('Start a line with // to send text that begins with a slash.'),
  ];
}

export function linkFailureText(failure: LinkFailure): string {
  switch (failure.why) {
    case 'closed':
      return msg('the link closed');
    case 'timeout':
      return msg('timed out connecting');
    case 'silent':
      return msg('nothing came back from them for a few seconds: a network went away or changed');
    case 'no-route':
      return msg('no network path to offer the peer (no ICE candidates)');
    case 'turn-refused':
      return msg('the TURN server refused the credentials: they are wrong or expired');
    case 'turn-silent':
      return msg('the TURN server gave no relay address: it refused the credentials, or it cannot be reached');
    case 'turn-error':
      return msg(str`the TURN server answered ${failure.detail}`);
    case 'version':
      return msg(str`they speak protocol version ${failure.theirs}, we speak ${failure.ours}`);
    case 'error':
      return msg(str`the browser reported: ${failure.detail}`);
    case 'flood':
      return msg('they sent far more than a chat does, so the link was closed to keep this page responsive');
    case 'tampered':
      return msg(str`${failure.via} changed, dropped or replayed what it carried`);
  }
}

/** "1.5 MB": sizes in the reader's language and its unit names. */
export function sizeText(bytes: number, locale: string = currentLanguage()): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const maximumFractionDigits = unit === 0 || value >= 100 ? 0 : 1;
  // "391 bytes": a count of bytes in words (short, it reads "391 byte"); larger units as symbols.
  const unitDisplay = unit === 0 ? 'long' : 'short';
  return new Intl.NumberFormat(locale, { style: 'unit', unit: units[unit], unitDisplay, maximumFractionDigits }).format(value);
}

/** "3 sec", "2 min 5 sec": how long something lasted (`ms`, counted as at least a second), in the reader's language. */
export function durationText(ms: number, locale: string = currentLanguage()): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  const unit = (value: number, name: 'minute' | 'second') => new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short' }).format(value);
  return minutes === 0 ? unit(seconds, 'second') : [unit(minutes, 'minute'), ...(seconds % 60 ? [unit(seconds % 60, 'second')] : [])].join(' ');
}

/**
 * The state of our link to someone, in plain words: a direct link is just "connected"; a link
 * through a relay server or another person says so; a private room's proof says whether they
 * showed they hold the room's secret.
 */
export function linkWords({ state, route, via, verification }: PeerView): string {
  const states = { connecting: msg('connecting'), connected: msg('connected'), failed: msg('cannot connect'), closed: msg('disconnected'), away: msg('away'), leaving: msg('leaving…') };
  const verifications = { verifying: msg('checking the room secret'), verified: msg('has the room secret'), failed: msg('FAILED the room secret check') };
  const how = via === undefined ? route === 'relayed' && msg('through a relay server') : msg(str`relayed via ${via}`);
  return [states[state], how, verification && verifications[verification]].filter(Boolean).join(' · ');
}

/** Names as a list in the reader's language: "bob and dave". */
export function names(nicks: readonly string[]): string {
  return new Intl.ListFormat(currentLanguage(), { type: 'conjunction' }).format(nicks);
}

/** How a message of the room's history is known to be its author's, in words. */
export function provenanceText({ how, holders }: Provenance): string {
  if (how === 'verified') return msg('verified');
  if (how === 'relayed') return msg(str`relayed by ${names(holders)}`);
  return msg(str`conflict: copies disagree (from ${names(holders)})`);
}

/** What the room tells its user, in words. */
export function noticeText(notice: Notice): string {
  switch (notice.type) {
    case 'entered': {
      if (notice.room !== undefined && isPairRoom(notice.room)) {
        return msg(str`You are talking to a stranger, as ${notice.nick}. Nobody else can join this chat.`);
      }
      const where = notice.room ?? msg('the private room');
      // That nobody else is here yet the page says beside the invite button, not twice.
      if (notice.peers.length === 0) return msg(str`You joined ${where} as ${notice.nick}.`);
      return notice.history
        ? msg(str`You joined ${where} as ${notice.nick}, with ${notice.peers.join(', ')}. Their browsers give you the room's recent messages, each marked with how it is known to be its author's.`)
        : msg(str`You joined ${where} as ${notice.nick}, with ${notice.peers.join(', ')}. This room keeps no history: what was said before you came is not shown.`);
    }
    case 'peer-joined':
      return msg(str`${notice.nick} joined.`);
    case 'peer-left':
      return leaveText(notice.nick, notice.reason);
    case 'peer-here':
      return msg(str`${notice.nick} is here.`);
    case 'nobody-connected':
      return msg('Nobody else is connected yet, so nobody received that.');
    case 'private-unverified':
      return msg(str`The link to ${notice.to} is not verified, so the private message was not sent: ${notice.text}`);
    case 'private-gone':
      return msg(str`${notice.to} is not in the room any more, so the private message was not sent: ${notice.text}`);
    case 'outbox-full':
      return msg(str`Too many messages are waiting for ${notice.nick}'s link to come back; this one was not queued for them.`);
    case 'link-none':
      return msg(str`No direct link to ${notice.nick} yet.`);
    case 'link-waiting':
      return msg('Messages to them wait until it is back.');
    case 'link-back':
      return msg(str`Linked directly after ${durationText(notice.ms)}.`);
    case 'peer-away':
      return msg(str`${notice.nick}'s connection dropped: their seat is kept, and messages to them wait until they are back.`);
    case 'link-lost': {
      // The browser's own error text says nothing to a person: it waits in Connection details.
      const reason = notice.reason;
      const why = reason === undefined ? '' : ` (${reason.why === 'error' ? msg('the connection failed') : linkFailureText(reason)})`;
      return msg(str`Lost the direct link to ${notice.nick}${why}.`);
    }
    case 'relayed':
      return msg(
        str`Your messages to each other now go through ${notice.via}, sealed so that ${notice.via} can neither read nor change them.`,
      );
    case 'relay-tampered':
      return msg(
        str`Warning: ${notice.via} changed, dropped or replayed messages it carried between you and ${notice.nick}. Nothing more goes through ${notice.via}; no altered message was shown.`,
      );
    case 'identity-changed':
      return msg(
        str`${notice.nick}'s safety code changed: this is a different browser than before. If ${notice.nick} did not just switch devices or browsers, someone else may be using the name; compare the safety code in People.`,
      );
    case 'unverified': {
      const reason = notice.why === 'no-proof' ? msg('no proof of the room secret arrived') : msg('its proof of the room secret does not match this link');
      return msg(
        str`Warning: the link to ${notice.nick} could not be verified (${reason}). Someone may be intercepting it; nothing is sent to it and messages from it are hidden.`,
      );
    }
    case 'left-unreceived':
      return msg(str`${notice.nick} left before receiving ${notice.count} of your messages.`);
    case 'history-gap':
      return notice.count === 1
        ? msg(str`1 message from ${notice.nick} is not available: nobody here has it.`)
        : msg(str`${notice.count} messages from ${notice.nick} are not available: nobody here has them.`);
    case 'history-unverifiable':
      return msg(
        str`A message passed on by ${names(notice.holders)} as ${notice.nick}'s does not carry ${notice.nick}'s signature, so it is not shown.`,
      );
    case 'act-not-theirs':
      return msg(str`${notice.nick} tried to change a message of ${notice.of}'s, which only ${notice.of} may change: it was not applied.`);
    case 'refused':
      return refusedText(notice.event, notice.code);
    case 'file-too-large':
      return msg(str`${notice.name} is too large to send: files go up to ${sizeText(FILE_MAX_BYTES)}.`);
    case 'file-nobody':
      return msg(str`Nobody is connected to receive ${notice.name}.`);
    case 'file-relayed':
      return msg(
        str`${notice.name} was not offered to ${notice.nick}: files go only over a direct link, and ${notice.nick} is reached through ${notice.via} for now.`,
      );
    case 'device': {
      const device = notice.device === 'microphone' ? msg('microphone') : notice.device === 'camera' ? msg('camera') : msg('screen');
      if (notice.device === 'screen' && notice.why === 'denied') return msg("The system did not allow the browser to share your screen: allow screen recording for the browser in the system's settings.");
      if (notice.device === 'screen' && notice.why === 'unsupported') return msg('This browser cannot share a screen (phones and tablets cannot). The call goes on.');
      if (notice.why === 'denied') return msg(str`The browser was not allowed to use your ${device}: allow it for this page in the browser's settings to join the call. The chat goes on.`);
      if (notice.why === 'missing') return msg(str`No ${device} was found. The chat goes on.`);
      if (notice.why === 'busy') return msg(str`Your ${device} is in use by another program, or the system would not give it. The chat goes on.`);
      return msg(str`Your ${device} could not be started. The chat goes on.`);
    }
    case 'file-unreadable':
      return msg(str`Could not read ${notice.name}, so it was not offered.`);
    case 'cameras-full':
      return msg(
        str`A call carries at most ${notice.cap} cameras at once, and that many are on: yours stays off until someone turns theirs off. You can still share your screen.`,
      );
    case 'call-started':
      if (notice.nick === undefined) return msg('You started a call.');
      return notice.found ? msg(str`A call is on: ${notice.nick} is in it.`) : msg(str`${notice.nick} started a call.`);
    case 'call-ended':
      return msg(str`The call ended after ${durationText(notice.ms)}.`);
    case 'call-declined':
      return msg(str`${notice.nick} declined the call.`);
    case 'call-hung-up':
      return msg(str`${notice.nick} hung up: the call with them ended.`);
  }
}
