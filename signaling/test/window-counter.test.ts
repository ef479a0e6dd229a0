import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WindowCounter } from '../src/window-counter';

test('a key gets its points in a window, is refused after, and starts afresh when its window ends', () => {
  const counter = new WindowCounter(3, 10, 0);
  assert.deepEqual([1, 2, 3, 4, 5].map((t) => counter.consume('a', t)), [true, true, true, false, false]);
  assert.equal(counter.consume('b', 5), true, 'another key has a budget of its own');
  assert.equal(counter.consume('a', 9_999), false, 'the window started at the first request, 1 ms ago');
  assert.equal(counter.consume('a', 10_001), true);
  assert.deepEqual([0, 1].map(() => counter.consume('a', 10_002)), [true, true]);
  assert.equal(counter.consume('a', 10_003), false);
});

test('a refused request is not charged: the budget is back when the window ends, however much was refused', () => {
  const counter = new WindowCounter(1, 1, 0);
  counter.consume('flood', 0);
  for (let t = 1; t < 1_000; t++) assert.equal(counter.consume('flood', t), false);
  assert.equal(counter.consume('flood', 1_000), true);
});

test('windows nobody came back to are swept once a window has passed, so idle keys cost nothing', () => {
  const counter = new WindowCounter(5, 1, 0);
  for (let i = 0; i < 1_000; i++) counter.consume(`socket-${i}`, 10);
  assert.equal(counter.size, 1_000);
  counter.consume('late', 1_500);
  assert.equal(counter.size, 1, 'every window that ended at 1,010 ms is gone; the new one stays');
});

test('zero points refuses everything', () => {
  assert.equal(new WindowCounter(0, 1, 0).consume('a', 0), false);
});
