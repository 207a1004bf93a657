export { run } from './program.js';
export type { Io } from './output.js';
