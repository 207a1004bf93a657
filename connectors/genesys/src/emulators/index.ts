// Vendor-side emulators for tests and benchmarks (never shipped as a runtime path).
export * from './icws.js';
export * from './genesys-cloud.js';
export * from './workspace.js';
