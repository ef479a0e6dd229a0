// simple-peer's debug logging, off in the page: a logger that says nothing.
module.exports = () => () => {};
