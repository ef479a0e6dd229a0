// simple-peer's random ids (its own peer id, its data channel's name) as hex, from the browser's generator.
module.exports = (size) => {
  const bytes = crypto.getRandomValues(new Uint8Array(size));
  return { toString: () => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('') };
};
