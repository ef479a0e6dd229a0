// The app layer on its own, with no browser and no interface: real signaling server (port 0),
// real socket.io, the lobby and the room as the page runs them; only WebRTC is the fake links.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSignalingServer, type SignalingServer } from '@meshchat/signaling';
import { ChatSession, type Command, type Outage } from '../../src/app';
import type { Arrival, Notice } from '../../src/room';
import { FakeNet, until } from '../room/fake-net';

/** A session as an interface would hold it, keeping what it was told through the hooks. */
class Recorded extends ChatSession {
  readonly arrivals: Arrival[] = [];
  readonly answered: Command[] = [];
  readonly moves: boolean[] = [];
  changes = 0;

  constructor(url: string, net: FakeNet, nick: string) {
    super({
      signalingUrl: url,
      words: {
        notice: (notice: Notice) => notice.type,
        outage: (outage: Outage) => `outage: ${outage.cause}`,
        refused: (event, code) => `${event} refused: ${code}`,
        announcement: (text) => `announcement: ${text}`,
      },
      pointsAt: () => true,
      history: () => ({ shared: false, limits: { count: 100, ms: 3_600_000 } }),
      links: net.linksFor(nick),
    });
  }

  protected override changed(): void {
    this.changes += 1;
  }
  protected override arrived(arrival: Arrival): void {
    this.arrivals.push(arrival);
  }
  protected override answer(command: Command): void {
    this.answered.push(command);
  }
  protected override moved(inRoom: boolean): void {
    this.moves.push(inRoom);
  }

  /** What others said to the room (`undefined`) or to us privately (`from`), as `from: text`. */
  heard(from?: string): string[] {
    return this.lines
      .filter((line) => line.from !== this.nick && (from === undefined ? line.kind === 'public' : line.kind === 'private' && line.from === from))
      .map((line) => `${line.from}: ${line.text}`);
  }
}

describe('a chat session, beneath the interface', () => {
  let server: SignalingServer;
  let url: string;
  const sessions: Recorded[] = [];
  const session = (net: FakeNet, nick: string) => {
    const made = new Recorded(url, net, nick);
    sessions.push(made);
    made.start();
    return made;
  };

  // Node has no IndexedDB and no RTCPeerConnection: the tab's keys are made but not kept, and no
  // certificate is made (the fake links need none). Those warnings are the page's, not this test's.
  const warn = console.warn;
  before(async () => {
    console.warn = (...args: unknown[]) => {
      if (!String(args[0]).startsWith('meshchat: ')) warn(...args);
    };
    server = await createSignalingServer({ port: 0, logLevel: 'silent', staticDir: null });
    url = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    for (const each of sessions) each.stop();
    await server.close();
    console.warn = warn;
  });

  it('joins through the real server, links up by its signals, and carries the room and a private word', async () => {
    const net = new FakeNet();
    const alice = session(net, 'alice');
    const bob = session(net, 'bob');
    await alice.lobby.join('alice', 'kitchen');
    await bob.lobby.join('bob', 'kitchen');
    assert.equal(alice.screen, 'room');
    assert.deepEqual(alice.moves, [true]);

    // The offer and answer crossed the signaling server: the fake net never relayed a signal itself.
    await until(() => alice.people.get('bob')?.state === 'connected' && bob.people.get('alice')?.state === 'connected', 'both linked');
    assert.deepEqual(net.signals, []);

    alice.composing.submit('hello, bob');
    await until(() => bob.heard().length > 0, 'bob hears alice');
    assert.deepEqual(bob.heard(), ['alice: hello, bob']);
    assert.equal(bob.arrivals.at(-1)?.text, 'hello, bob');

    bob.composing.submit('/msg alice just you');
    await until(() => alice.heard('bob').length > 0, 'alice hears bob privately');
    assert.deepEqual(alice.heard('bob'), ['bob: just you']);
    assert.deepEqual(alice.heard(), [], 'nothing private shows in the room');
    assert.equal(alice.conversations.unread('bob'), 1);
    alice.openView('bob');
    assert.equal(alice.conversations.unread('bob'), 0);
    assert.ok(alice.changes > 0);
  });

  it('answers commands through the interface, and leaving tells the others', async () => {
    const net = new FakeNet();
    const carol = session(net, 'carol');
    const dan = session(net, 'dan');
    await carol.lobby.join('carol', 'porch');
    await dan.lobby.join('dan', 'porch');
    await until(() => carol.people.get('dan')?.state === 'connected', 'carol linked to dan');

    carol.composing.submit('/users');
    carol.composing.submit('/nonsense');
    assert.deepEqual(
      carol.answered.map((command) => command.kind),
      ['users', 'unknown-command'],
    );

    dan.composing.submit('/quit');
    assert.equal(dan.screen, 'join');
    assert.deepEqual(dan.moves, [true, false]);
    await until(() => !carol.people.has('dan'), 'dan gone from carol’s people');
    assert.ok(carol.lines.some((line) => line.kind === 'notice' && line.text === 'peer-left'), 'carol is told dan left');
  });

  it('a kept room opens before the server answers: seated by name once it does, or back to the first screen if the name was taken', async () => {
    const net = new FakeNet();
    const erin = session(net, 'erin');
    await erin.lobby.join('erin', 'attic');
    // Before the socket is even up, the kept room is on screen, with no seat and nobody told yet.
    const fay = new Recorded(url, net, 'fay');
    sessions.push(fay);
    await fay.lobby.enterKept('fay', 'attic', undefined);
    assert.equal(fay.screen, 'room');
    assert.deepEqual(fay.lines.filter((line) => line.kind === 'notice').map((line) => line.text), []);
    fay.start();
    await until(() => fay.people.get('erin')?.state === 'connected', 'fay linked to erin once seated');
    assert.deepEqual(fay.lines.filter((line) => line.kind === 'notice').map((line) => line.text), ['entered']);
    assert.equal(fay.capacity > 0, true);

    // Someone took her name while she was away: the first screen says so, with a free name.
    const other = session(net, 'gus');
    await other.lobby.enterKept('Erin', 'attic', undefined);
    assert.equal(other.screen, 'room');
    await until(() => other.screen === 'join', 'back to the first screen');
    assert.deepEqual(other.lobby.error, { kind: 'refused', code: 'NICK_TAKEN' });
    assert.equal(other.lobby.errorField, 'nick');
    assert.equal(typeof other.lobby.suggestion, 'string');
    assert.equal(erin.people.has('Erin'), false);
  });
});
