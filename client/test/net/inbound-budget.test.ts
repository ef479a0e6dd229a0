import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INBOUND_RATES, InboundBudget } from '../../src/net/inbound-budget';

describe('inbound budget per person', () => {
  it('allows the burst, then refuses until time refills it', () => {
    const budget = new InboundBudget();
    const { burst, perSecond } = INBOUND_RATES['file-offer'];
    for (let i = 0; i < burst; i++) assert.equal(budget.take('file-offer', 0), true);
    assert.equal(budget.take('file-offer', 0), false);
    assert.equal(budget.take('file-offer', 1000 / perSecond), true, 'one more after its share of a second');
  });

  it('keeps kinds apart, and a steady chat stays within budget', () => {
    const budget = new InboundBudget();
    for (let i = 0; i < 10; i++) budget.take('file-offer', 0);
    assert.equal(budget.take('frame', 0), true);
    // 10 messages a second, each with acks and typing on top, for a minute.
    for (let ms = 0; ms < 60_000; ms += 20) assert.equal(budget.take('frame', ms), true, `at ${ms} ms`);
  });

  it('5,000 frames in one second stop within the burst', () => {
    const budget = new InboundBudget();
    const taken = Array.from({ length: 5_000 }, (_, i) => budget.take('frame', i / 5)).filter(Boolean).length;
    assert.ok(taken <= INBOUND_RATES.frame.burst + INBOUND_RATES.frame.perSecond, `${taken} taken`);
  });
});
