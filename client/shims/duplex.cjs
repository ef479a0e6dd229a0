// simple-peer is a Node Duplex stream; meshchat uses only its events (`data`, `signal`, `connect`,
// `track`, `close`, `error`) and `send`, never pipes or writes. This stands in for readable-stream:
// the few members simple-peer itself calls, on the emitter socket.io-client already brings.
const { Emitter } = require('@socket.io/component-emitter');

class Duplex extends Emitter {
  constructor() {
    super();
    this._readableState = { ended: false };
    this._writableState = { finished: false };
    this.readable = true;
    this.writable = true;
  }

  /** Data from the data channel, or `null` once it has ended. Delivered at once, not buffered. */
  push(chunk) {
    if (chunk !== null) {
      this.emit('data', chunk);
      return true;
    }
    if (!this._readableState.ended) {
      this._readableState.ended = true;
      this.emit('end');
    }
    return false;
  }

  write(chunk, callback) {
    this._write(chunk, undefined, typeof callback === 'function' ? callback : () => {});
    return true;
  }

  end() {
    if (this._writableState.finished) return;
    this._writableState.finished = true;
    this.emit('finish');
  }
}

module.exports = { Duplex };
