import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceFailure } from '../../src/app/call-devices';

const error = (name: string, message = '') => new DOMException(message, name);

describe('what a refused device means', () => {
  it('a closed screen picker is a choice: nothing to tell', () => {
    assert.equal(deviceFailure(error('NotAllowedError', 'Permission denied'), 'screen'), undefined);
    assert.equal(deviceFailure(error('AbortError'), 'screen'), undefined);
  });

  it("the system's own refusal of the screen, no screen, a busy device and the rest each say what happened", () => {
    assert.equal(deviceFailure(error('NotAllowedError', 'Permission denied by system'), 'screen'), 'denied');
    assert.equal(deviceFailure(error('NotFoundError'), 'screen'), 'missing');
    assert.equal(deviceFailure(error('NotReadableError', 'Could not start video source'), 'camera'), 'busy');
    assert.equal(deviceFailure(error('NotAllowedError'), 'microphone'), 'denied');
    assert.equal(deviceFailure(error('OverconstrainedError'), 'camera'), 'missing');
    assert.equal(deviceFailure(new TypeError('boom'), 'screen'), 'failed');
  });
});
