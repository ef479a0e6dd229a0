import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { encodePeerMessage } from '@meshchat/protocol';
import { ACK_EVERY_MESSAGES, ACK_EVERY_MS, Acks, Inbox, Outbox, mark, receiptState, type Receipt } from '../../src/room/delivery';

const message = (id: string) => ({ type: 'chat' as const, id, ts: 1, text: id });

describe('Outbox', () => {
  it('numbers messages per recipient and forgets them once acknowledged, cumulatively', () => {
    const outbox = new Outbox();
    assert.deepEqual(
      ['a', 'b', 'c'].map((id) => outbox.add(message(id))?.seq),
      [1, 2, 3],
    );
    assert.deepEqual(
      outbox.ack(2).map((m) => m.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      outbox.pending.map((m) => m.id),
      ['c'],
    );
    assert.deepEqual(outbox.ack(2), [], 'a repeated ack changes nothing');
    assert.deepEqual(
      outbox.ack(99).map((m) => m.id),
      ['c'],
    );
    assert.equal(outbox.add(message('d'))?.seq, 4, 'numbers keep counting after acks');
  });

  it('refuses a message when full, and takes one again once acks free room', () => {
    const outbox = new Outbox(2);
    outbox.add(message('a'));
    outbox.add(message('b'));
    assert.equal(outbox.add(message('c')), undefined);
    assert.equal(outbox.pending.length, 2);
    outbox.ack(1);
    assert.equal(outbox.add(message('c'))?.seq, 3);
  });
});

describe('Inbox', () => {
  it('accepts an id once, and forgets only the oldest past its capacity', () => {
    const inbox = new Inbox(3);
    assert.deepEqual(
      ['a', 'b', 'a', 'c', 'b'].map((id) => inbox.accept(id)),
      [true, true, false, true, false],
    );
    assert.equal(inbox.accept('d'), true);
    assert.equal(inbox.accept('a'), true, 'a was the oldest and has been forgotten');
    assert.equal(inbox.accept('d'), false);
  });
});

describe('receipts', () => {
  const base: Receipt = { to: ['bob', 'carol'], sent: [], delivered: [], lost: [] };

  it('go queued, sent, delivered as the message reaches everyone', () => {
    let receipt = mark(base, 'sent', 'bob');
    assert.equal(receiptState(receipt), 'queued');
    receipt = mark(receipt, 'sent', 'carol');
    assert.equal(receiptState(receipt), 'sent');
    receipt = mark(receipt, 'delivered', 'bob');
    assert.equal(receiptState(receipt), 'sent');
    receipt = mark(mark(receipt, 'delivered', 'carol'), 'delivered', 'carol');
    assert.deepEqual(receipt.delivered, ['bob', 'carol']);
    assert.equal(receiptState(receipt), 'delivered');
  });

  it('say partial when someone left without it', () => {
    const receipt = mark(mark(mark(base, 'sent', 'bob'), 'delivered', 'bob'), 'lost', 'carol');
    assert.equal(receiptState(receipt), 'partial');
  });
});

describe('Acks', () => {
  it('acknowledges at once after a quiet spell, then one for many during a burst', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] });
    let now = 0;
    const sent: number[] = [];
    const acks = new Acks((seq) => sent.push(seq), () => now);
    acks.add(1);
    assert.deepEqual(sent, [1], 'the first goes at once');
    for (let seq = 2; seq <= 5; seq++) acks.add(seq);
    assert.deepEqual(sent, [1], 'a burst waits');
    now += ACK_EVERY_MS;
    context.mock.timers.tick(ACK_EVERY_MS);
    assert.deepEqual(sent, [1, 5], 'one cumulative acknowledgement for the burst');
    for (let seq = 6; seq < 6 + ACK_EVERY_MESSAGES; seq++) acks.add(seq);
    assert.deepEqual(sent, [1, 5, 5 + ACK_EVERY_MESSAGES], 'or as soon as enough wait, before the time is up');
    now += 10 * ACK_EVERY_MS;
    context.mock.timers.tick(10 * ACK_EVERY_MS);
    acks.add(100);
    assert.deepEqual(sent.at(-1), 100, 'quiet again: at once');
    acks.add(101);
    acks.dispose();
    context.mock.timers.tick(ACK_EVERY_MS);
    assert.equal(sent.at(-1), 100, 'nothing after dispose');
  });
});

describe('a broadcast encoded once', () => {
  it('gives each recipient its own sequence number in the same frame', () => {
    const outboxes = [new Outbox(), new Outbox()];
    outboxes[1]?.add(message('earlier'));
    const base = message('hello "there"');
    const stringify = mock.method(JSON, 'stringify');
    const frames = outboxes.map((outbox) => {
      const copy = outbox.add(base);
      assert.ok(copy);
      return encodePeerMessage(copy);
    });
    assert.equal(stringify.mock.callCount(), 1, 'serialized once for both');
    stringify.mock.restore();
    assert.deepEqual(frames.map((frame) => JSON.parse(frame)), [{ ...base, seq: 1 }, { ...base, seq: 2 }]);
  });
});
