export * from './conformance.js';
export * from './emulator.js';
