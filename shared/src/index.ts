export * from './limits';
export * from './errors';
export * from './names';
export * from './schemas';
export * from './events';
export * from './peer';
export * from './ice';
export * from './csp';
