// The self-contained browser build carries its own Buffer/process/events shims; its API is simple-peer's.
declare module 'simple-peer/simplepeer.min.js' {
  import SimplePeer from 'simple-peer';
  export default SimplePeer;
}
