// deploy/README.md's own-overlay steps, taken from the README itself and rendered: what a new user copies
// must render and pass the same checks as the overlays (image, namespace, replaced config, external Redis).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { checkManifests } from './check-manifests.js';
import {
  configOf,
  type Doc,
  envOf,
  find,
  imageEnv,
  K8S_SECRET_DIR,
  K8S_SECRET_VALUES,
  RUNNER_IMAGE,
  runnerContainer,
} from './files.js';
import {
  configReferences,
  loadWithStandInSecrets,
  repoRoot,
  runnerDefaults,
  runnerEnv,
  shutdownBudgetSeconds,
} from './runner-env.js';

const readme = readFileSync(path.join(repoRoot, 'deploy/README.md'), 'utf8');
const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
const kustomization = yamlBlocks.find((b) => b.startsWith('# my-deploy/kustomization.yaml'))!;
const externalRedis = yamlBlocks.find((b) => b.includes('$patch: delete'))!;

/** The README's kustomization in a folder of its own, its base pointed at this checkout's `overlay`. */
function renderUserOverlay(overlay: string, extra: Doc = {}): Doc[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'my-deploy-'));
  const doc = parse(kustomization) as Doc;
  // Relative, as in the README: kustomize takes no absolute base.
  doc.resources = [path.relative(dir, path.join(repoRoot, 'deploy/kubernetes/overlays', overlay))];
  writeFileSync(path.join(dir, 'kustomization.yaml'), JSON.stringify({ ...doc, ...extra }));
  copyFileSync(path.join(repoRoot, 'deploy/kubernetes/base/config.yaml'), path.join(dir, 'config.yaml'));
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJSON() as Doc);
}

function problems(docs: Doc[]) {
  const env = runnerEnv();
  const config = loadWithStandInSecrets(
    configOf(docs),
    envOf(runnerContainer(docs), K8S_SECRET_VALUES),
    K8S_SECRET_DIR,
    K8S_SECRET_VALUES,
  );
  return checkManifests(docs, {
    runnerImage: RUNNER_IMAGE,
    reads: (name) => env.reads(name, configReferences(configOf(docs))),
    defaultPort: runnerDefaults().port,
    shutdownBudgetSeconds: shutdownBudgetSeconds(config),
    imageEnv: imageEnv(),
  });
}

describe("deploy/README.md's own overlay", () => {
  it.each(['sqlite', 'redis'])(
    'on overlays/%s: sets the image and namespace, replaces the config, passes the checks',
    (overlay) => {
      const docs = renderUserOverlay(overlay);
      expect(problems(docs)).toEqual([]);
      expect(runnerContainer(docs).image).toBe('registry.example.com/openconnect-runner:1.0.0');
      expect(new Set(docs.map((d) => d.metadata.namespace))).toEqual(new Set(['openconnect']));
      // One ConfigMap: the README's replaced the base's rather than adding a second.
      expect(find(docs, 'ConfigMap')).toHaveLength(1);
    },
  );

  it('with a Redis of your own: no Redis left in the manifests, the runners still pass', () => {
    const docs = renderUserOverlay('redis', { patches: parse(externalRedis).patches });
    expect(docs.filter((d) => d.metadata.name === 'openconnect-redis')).toEqual([]);
    expect(find(docs, 'Deployment', 'openconnect-runner')).toHaveLength(1);
    expect(problems(docs)).toEqual([]);
  });
});
