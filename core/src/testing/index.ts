export * from './conformance.js';
export * from './emulator.js';
export * from './subscriptions.js';
export * from './line-vendor.js';
