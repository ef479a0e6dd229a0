export { createSignalingServer, type SignalingOptions, type SignalingServer } from './server';
