import './chat-app';
