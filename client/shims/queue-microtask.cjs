module.exports = (callback) => queueMicrotask(callback);
