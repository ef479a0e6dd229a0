// simple-peer turns binary data-channel messages into Buffers; bytes are all meshchat needs.
module.exports = { Buffer: { from: (data) => new Uint8Array(data) } };
