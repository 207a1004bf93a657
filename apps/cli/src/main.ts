import { defaultIo } from './output.js';
import { run } from './program.js';

const io = defaultIo();
let serving: (() => Promise<void>) | undefined;
const code = await run(process.argv.slice(2), io, process.env, (close) => {
  serving = close;
});
if (serving) {
  const stop = () => void serving?.().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  process.exitCode = code;
}
