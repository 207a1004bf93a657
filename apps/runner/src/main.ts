// `pnpm start`: the runner from CONFIG and the environment (see README.md).
import { run } from './cli.js';

await run();
