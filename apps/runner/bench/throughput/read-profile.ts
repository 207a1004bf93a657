// Reads a .cpuprofile from profile.ts: `tsx bench/throughput/read-profile.ts <file> [packages|causes|self|inclusive|callers]
// [argument] [top]`.
// - packages: self time by package (frames without a script counted with the nearest caller that has one);
// - causes: the same, Node's own frames counted with the package that called them (a socket write with ioredis);
// - self: the functions with the most self time;
// - inclusive [regex]: time under each function whose script path matches the regex (default: this repo's);
// - callers <function>: the self time of a function (e.g. writev) by its chain of callers.
// Idle time is left out of every share.
import fs from 'node:fs';
import { packageOf } from './packages.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, view = 'packages', argument, topArg] = process.argv.slice(2);
if (!file)
  throw new Error(
    'usage: read-profile.ts <file.cpuprofile> [packages|causes|self|inclusive|callers] [argument] [top]',
  );
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
// packages and self take no argument: a number there is the count of lines.
const top = Number(topArg ?? (/^\d+$/.test(argument ?? '') ? argument : 30));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

const SPECIAL = new Set(['(garbage collector)', '(program)', '(root)']);
const isIdle = (id: number) => byId.get(id)!.callFrame.functionName === '(idle)';
const busyUs = [...selfUs].reduce((sum, [id, us]) => (isIdle(id) ? sum : sum + us), 0);
const where = (n: Node) => `${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
const nameOf = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${where(n)}`;
/** The nearest frame, from this one up, with a script (`beyondNode`: and that is not Node's own). */
function withScript(id: number, beyondNode = false) {
  const skip = (frame: Node) =>
    !frame.callFrame.url || (beyondNode && frame.callFrame.url.startsWith('node:'));
  let n = byId.get(id)!;
  for (let p = parentOf.get(n.id); skip(n) && p !== undefined; p = parentOf.get(n.id)) n = byId.get(p)!;
  return n;
}
function print(totals: Map<string, number>) {
  console.log(`busy ${(busyUs / 1000).toFixed(0)} ms (idle left out)`);
  for (const [key, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${key}`,
    );
}
const add = (totals: Map<string, number>, key: string, us: number) =>
  totals.set(key, (totals.get(key) ?? 0) + us);

const totals = new Map<string, number>();
for (const [id, us] of selfUs) {
  if (isIdle(id)) continue;
  const n = byId.get(id)!;
  if (view === 'packages' || view === 'causes') {
    const special = SPECIAL.has(n.callFrame.functionName);
    const frame = withScript(id, view === 'causes');
    add(totals, special ? n.callFrame.functionName : packageOf(frame.callFrame.url) || '(native)', us);
  } else if (view === 'self') {
    add(totals, nameOf(n), us);
  } else if (view === 'inclusive') {
    const pattern = new RegExp(argument || '/(apps|core|connectors)/');
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
      const frame = byId.get(cur)!;
      if (!pattern.test(frame.callFrame.url)) continue;
      const key = nameOf(frame);
      if (!seen.has(key)) add(totals, key, us); // a recursive function counts a sample once
      seen.add(key);
    }
  } else if (view === 'callers') {
    if (n.callFrame.functionName !== argument) continue;
    const chain: string[] = [];
    for (let cur = parentOf.get(id); cur !== undefined && chain.length < 7; cur = parentOf.get(cur))
      chain.push(nameOf(byId.get(cur)!));
    add(totals, chain.join(' < '), us);
  } else {
    throw new Error(`no view "${view}": packages, causes, self, inclusive or callers`);
  }
}
print(totals);
