import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Inbox, Outbox, mark, receiptState, type Receipt } from '../../src/room/delivery';

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
