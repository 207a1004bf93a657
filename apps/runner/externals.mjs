// What the runner's bundle leaves to node_modules, for build.mjs and the bench's builds (bench/processes.ts).
// better-sqlite3 loads a native binding; BullMQ reads its Lua scripts from its package folder at run time
// (and shares ioredis with the outbox); pino starts worker threads from its own files.
export const RUNNER_EXTERNALS = ['better-sqlite3', 'bullmq', 'ioredis', 'pino'];
