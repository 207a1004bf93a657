// Reads a heap-sample.ts profile: `tsx bench/throughput/read-heap.ts <file> [messages] [top]`. Prints the bytes
// allocated by function (self: the objects a function creates itself) and by package, per message when the
// count of messages handled in the window is given (e.g. the e2e rate × the window's seconds).
import fs from 'node:fs';
import { packageOf } from './packages.js';

interface HeapNode {
  id: number;
  callFrame: { functionName: string; url: string; columnNumber: number };
  children: HeapNode[];
}
const [file, messagesArg, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: read-heap.ts <file.heapprofile> [messages] [top]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  head: HeapNode;
  samples: { nodeId: number; size: number }[];
};
const messages = Number(messagesArg ?? 1);
const top = Number(topArg ?? 25);
const bytesOf = new Map<number, number>();
for (const s of profile.samples) bytesOf.set(s.nodeId, (bytesOf.get(s.nodeId) ?? 0) + s.size);
const total = [...bytesOf.values()].reduce((a, b) => a + b, 0);

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
const visit = (node: HeapNode) => {
  const bytes = bytesOf.get(node.id) ?? 0;
  const { functionName, url, columnNumber } = node.callFrame;
  const name = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${columnNumber}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + bytes);
  const where = packageOf(url) || '(native)';
  byPackage.set(where, (byPackage.get(where) ?? 0) + bytes);
  for (const child of node.children) visit(child);
};
visit(profile.head);
const line = (bytes: number, what: string) =>
  `${(bytes / messages).toFixed(0).padStart(8)} B ${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${what}`;
console.log(
  `${(total / 1e6).toFixed(1)} MB sampled${messages > 1 ? `, ${(total / messages).toFixed(0)} B a message` : ''}`,
);
console.log('-- by package (self)');
for (const [what, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12))
  console.log(line(bytes, what));
console.log('-- by function (self)');
for (const [what, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(line(bytes, what));
