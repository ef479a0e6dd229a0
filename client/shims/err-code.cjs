// An error with a code, as simple-peer reports them. A DOMException's `code` is a getter on its
// prototype: an own property set on the error itself shadows it.
module.exports = (error, code) => {
  try {
    Object.defineProperty(error, 'code', { value: code, configurable: true, enumerable: true });
    return error;
  } catch {
    const copy = new Error(error && error.message);
    copy.code = code;
    return copy;
  }
};
