// `pnpm lifecycle-matrix`: writes docs/lifecycle.md from the connectors' fixtures (see
// connectors/registry/test/lifecycle-matrix.ts). `--check` compares instead of writing (exit 1 on a
// difference); `--out <file>` writes elsewhere.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { PAGE, renderMatrix, root } from '../connectors/registry/test/lifecycle-matrix.ts';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const target = outAt >= 0 ? resolve(args[outAt + 1] ?? '') : PAGE;
const page = renderMatrix();
if (args.includes('--check')) {
  const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (current !== page) {
    console.error(`${relative(root, target)} is not what the fixtures give: run pnpm lifecycle-matrix`);
    process.exit(1);
  }
  console.log(`${relative(root, target)} matches the fixtures`);
} else {
  writeFileSync(target, page);
  console.log(`wrote ${relative(root, target)}`);
}
