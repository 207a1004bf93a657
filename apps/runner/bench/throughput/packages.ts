// The package a profile frame's script belongs to, for read-profile.ts and read-heap.ts: a dependency by its
// name, Node's own modules together, this repository's by package ('core', 'apps/runner', 'connectors/genesys').
// A frame without a script gives '': the readers name it themselves.
export function packageOf(url: string) {
  const dependency = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (dependency) return dependency[1]!;
  if (url.startsWith('node:')) return "Node's internals";
  const own = url.match(/\/(apps|core|connectors)\/([^/]+)\//);
  return own ? (own[1] === 'core' ? 'core' : `${own[1]}/${own[2]}`) : url.slice(0, 60);
}
