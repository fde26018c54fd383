export * from './mode.js';
export * from './command-log.js';
