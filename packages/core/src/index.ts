export * from './errors.js';
export * from './limits.js';
export * from './value.js';
export * from './names.js';
export * from './key-layout.js';
export * from './value-json.js';
export * from './clock.js';
