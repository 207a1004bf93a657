// Vendor-side emulators for tests and benchmarks (never shipped as a runtime path).
export * from './cxone.js';
