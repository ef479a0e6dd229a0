// ui/: the page. Lit components, the words they show in the reader's language, and the controller
// and lobby that adapt the room and the session to them. May import ../room and ../net, each through its index.
export { ChatApp } from './chat-app';
