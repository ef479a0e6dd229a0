import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { directStalled } from '../../src/net/stall-watch';

/** A stats report as a browser gives it: a map of reports by id. */
const stats = (...pairs: object[]) =>
  new Map<string, object>([['T', { type: 'transport' }], ...pairs.map((pair, i): [string, object] => [`P${i}`, { type: 'candidate-pair', ...pair }])]) as unknown as RTCStatsReport;

describe('a link whose own way failed', () => {
  it('is stalled when every pair was checked three times and none answered', () => {
    assert.equal(directStalled(stats({ state: 'in-progress', requestsSent: 3, responsesReceived: 0 }, { state: 'in-progress', requestsSent: 7, responsesReceived: 0 })), true);
  });

  it('is not while a pair has been checked less than that, or one answered', () => {
    assert.equal(directStalled(stats({ state: 'in-progress', requestsSent: 9 }, { state: 'waiting', requestsSent: 2 })), false);
    assert.equal(directStalled(stats({ state: 'in-progress', requestsSent: 9, responsesReceived: 1 }, { state: 'in-progress', requestsSent: 9 })), false);
    assert.equal(directStalled(stats({ state: 'succeeded', requestsSent: 9 })), false);
  });

  it('is not before there is any pair to check (candidates still on their way)', () => {
    assert.equal(directStalled(stats()), false);
  });

  it('reads failed states where the browser counts no checks (Firefox)', () => {
    assert.equal(directStalled(stats({ state: 'failed' }, { state: 'failed' })), true);
    assert.equal(directStalled(stats({ state: 'failed' }, { state: 'in-progress' })), false);
  });
});
