// Structural checks of rendered Kubernetes manifests (kubectl kustomize output): a schema of the fields each
// kind needs, then what the runner needs of its pod. Returns every problem found, as sentences.
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { redisPersistenceProblems } from './redis-flags.js';

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML, checked field by field here
type Doc = Record<string, any>;

export interface ManifestOptions {
  /** The runner's image name (before any tag or registry). */
  runnerImage: string;
  /** Whether the runner reads this environment variable (given what its config file references). */
  reads(name: string): boolean;
  /** The runner's default listening port, when PORT is not set. */
  defaultPort: number;
  /** What terminationGracePeriodSeconds must exceed. */
  shutdownBudgetSeconds: number;
  /** The environment the image sets (its Dockerfile's ENV): a NAME there wins over the pod's NAME_FILE. */
  imageEnv: Record<string, string>;
}

/**
 * The kinds these manifests may hold, with the model (kubernetes-models: the Kubernetes OpenAPI schema, so
 * types and required fields are checked as the API server would) that validates each.
 */
const MODELS: Record<string, { apiVersion: string; validate(doc: Doc): void }> = Object.fromEntries(
  [
    Deployment,
    StatefulSet,
    PodDisruptionBudget,
    NetworkPolicy,
    ConfigMap,
    PersistentVolumeClaim,
    Secret,
    Service,
    ServiceAccount,
  ].map((Model) => {
    const { apiVersion, kind } = new Model({ metadata: { name: 'x' } } as never).toJSON() as Doc;
    return [kind, { apiVersion, validate: (doc: Doc) => new Model(doc as never).validate() }];
  }),
);

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_NAME = /TOKEN|JWT|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE/;

const isWorkload = (doc: Doc) => doc.kind === 'Deployment' || doc.kind === 'StatefulSet';
const nameOf = (doc: Doc) => `${doc.kind}/${doc.metadata?.name}`;
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);
export const isRunner = (container: Doc, image: string) =>
  typeof container.image === 'string' && (container.image.split('/').pop() ?? '').split(/[:@]/)[0] === image;

/** Fields every object of a kind must have (apiVersion, kind, metadata.name, and the kind's own). */
function schemaProblems(doc: Doc): string[] {
  const at = nameOf(doc);
  const problems: string[] = [];
  if (typeof doc.kind !== 'string') return ['an object has no kind'];
  const model = MODELS[doc.kind];
  if (!model) problems.push(`${at}: kind ${doc.kind} is not one these manifests should hold`);
  else if (doc.apiVersion !== model.apiVersion)
    problems.push(`${at}: apiVersion is ${doc.apiVersion}, must be ${model.apiVersion}`);
  else
    try {
      model.validate(doc);
    } catch (error) {
      problems.push(`${at}: does not match the Kubernetes schema: ${(error as Error).message}`);
    }
  if (typeof doc.metadata?.name !== 'string' || !DNS_NAME.test(doc.metadata.name))
    problems.push(`${at}: metadata.name must be a DNS name`);
  if (isWorkload(doc)) {
    if (!doc.spec?.selector?.matchLabels) problems.push(`${at}: spec.selector.matchLabels is missing`);
    else if (!matches(doc.spec.selector.matchLabels, doc.spec.template?.metadata?.labels))
      problems.push(`${at}: spec.selector does not match the pod template's labels`);
    const containers = doc.spec?.template?.spec?.containers;
    if (!Array.isArray(containers) || containers.length === 0)
      problems.push(`${at}: spec.template.spec.containers is empty`);
    for (const [i, c] of (Array.isArray(containers) ? containers : []).entries()) {
      if (typeof c?.name !== 'string' || !c.name) problems.push(`${at}: containers[${i}].name is missing`);
      if (typeof c?.image !== 'string' || !c.image) problems.push(`${at}: containers[${i}].image is missing`);
      for (const p of c?.ports ?? [])
        if (!Number.isInteger(p?.containerPort))
          problems.push(`${at}: ${c.name}: a port has no containerPort`);
    }
    if (doc.kind === 'StatefulSet' && typeof doc.spec?.serviceName !== 'string')
      problems.push(`${at}: spec.serviceName is missing`);
  }
  if (doc.kind === 'Service') {
    if (!Array.isArray(doc.spec?.ports) || doc.spec.ports.length === 0)
      problems.push(`${at}: spec.ports is empty`);
    for (const p of doc.spec?.ports ?? [])
      if (!Number.isInteger(p?.port)) problems.push(`${at}: port ${p?.name ?? '?'} has no port number`);
  }
  if (doc.kind === 'PodDisruptionBudget') {
    if (!doc.spec?.selector?.matchLabels) problems.push(`${at}: spec.selector.matchLabels is missing`);
    if ((doc.spec?.minAvailable === undefined) === (doc.spec?.maxUnavailable === undefined))
      problems.push(`${at}: set exactly one of minAvailable and maxUnavailable`);
  }
  if (doc.kind === 'ConfigMap' && !doc.data && !doc.binaryData) problems.push(`${at}: holds no data`);
  return problems;
}

/** Hardening every container gets: non-root, read-only root, no privilege escalation, no capabilities. */
function securityProblems(at: string, pod: Doc, c: Doc): string[] {
  const problems: string[] = [];
  const sc = c.securityContext ?? {};
  if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true)
    problems.push(`${at}: runAsNonRoot is not set`);
  if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem is not true`);
  if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
  if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${at}: capabilities do not drop ALL`);
  if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory)
    problems.push(`${at}: resources.requests needs cpu and memory`);
  if (!c.resources?.limits?.memory) problems.push(`${at}: resources.limits.memory is not set`);
  if (!c.readinessProbe) problems.push(`${at}: no readinessProbe`);
  if (!c.livenessProbe) problems.push(`${at}: no livenessProbe`);
  return problems;
}

/** NAME_FILE settings the runner ignores because the image sets NAME (NAME wins; apps/runner/src/references.ts). */
export function shadowedFiles(at: string, names: string[], imageEnv: Record<string, string>): string[] {
  return names
    .filter((name) => name.endsWith('_FILE'))
    .map((name) => name.slice(0, -'_FILE'.length))
    .filter((base) => imageEnv[base] !== undefined && imageEnv[base] !== '' && !names.includes(base))
    .map(
      (base) =>
        `${at}: ${base}_FILE is ignored: the image sets ${base}=${imageEnv[base]}, which wins; set ${base} itself (e.g. from a secretKeyRef)`,
    );
}

/** A probe's port, as a number, resolved against the container's named ports. */
function probePort(c: Doc, port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  return c.ports?.find((p: Doc) => p.name === port)?.containerPort;
}

function runnerProblems(at: string, workload: Doc, c: Doc, options: ManifestOptions): string[] {
  const problems: string[] = [];
  const pod = workload.spec.template;
  const env = new Map<string, Doc>((c.env ?? []).map((e: Doc) => [e.name, e]));
  for (const name of env.keys())
    if (!options.reads(name)) problems.push(`${at}: env ${name} is not a variable the runner reads`);
  for (const [name, e] of env) {
    if (e.value === undefined) continue;
    if (SECRET_NAME.test(name) && !name.endsWith('_FILE'))
      problems.push(`${at}: env ${name} holds a literal secret: use secretKeyRef or ${name}_FILE`);
    if (/^rediss?:\/\/[^/@]*:[^/@]+@/.test(String(e.value)))
      problems.push(`${at}: env ${name} holds a Redis password: use secretKeyRef or ${name}_FILE`);
  }
  problems.push(...shadowedFiles(at, [...env.keys()], options.imageEnv));
  const http = Number(env.get('PORT')?.value ?? options.imageEnv.PORT ?? options.defaultPort);
  if (!c.ports?.some((p: Doc) => p.containerPort === http))
    problems.push(`${at}: no containerPort ${http}, the port the runner listens on`);
  for (const [probe, path] of [
    ['readinessProbe', '/readyz'],
    ['livenessProbe', '/healthz'],
  ] as const) {
    const get = c[probe]?.httpGet;
    if (get?.path !== path) problems.push(`${at}: ${probe} must GET ${path} (has ${get?.path ?? 'none'})`);
    else if (probePort(c, get.port) !== http)
      problems.push(`${at}: ${probe} port ${get.port} is not the runner's port ${http}`);
  }
  const metricsPort = env.get('METRICS_PORT')?.value;
  if (metricsPort === undefined)
    problems.push(`${at}: METRICS_PORT is not set (no separate /metrics listener)`);
  else {
    const named = c.ports?.find((p: Doc) => p.name === 'metrics');
    if (named?.containerPort !== Number(metricsPort))
      problems.push(`${at}: no containerPort named metrics on METRICS_PORT ${metricsPort}`);
    const host = env.get('METRICS_HOST')?.value;
    if (!host || /^(127\.|localhost$|::1$)/.test(host))
      problems.push(
        `${at}: METRICS_HOST must be 0.0.0.0 (the default is loopback, out of the scraper's reach)`,
      );
    const notes = pod.metadata?.annotations ?? {};
    if (notes['prometheus.io/scrape'] !== 'true' || notes['prometheus.io/port'] !== String(metricsPort))
      problems.push(
        `${at}: pod annotations prometheus.io/scrape and prometheus.io/port (${metricsPort}) are missing`,
      );
  }
  const config = env.get('CONFIG')?.value;
  if (!config) problems.push(`${at}: CONFIG is not set`);
  else if (!c.volumeMounts?.some((m: Doc) => config.startsWith(`${m.mountPath}/`)))
    problems.push(`${at}: CONFIG ${config} is not on a mounted volume`);
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  if (!(grace > options.shutdownBudgetSeconds))
    problems.push(
      `${at}: terminationGracePeriodSeconds ${grace} is not above the runner's shutdown budget (${options.shutdownBudgetSeconds} s)`,
    );
  return problems;
}

export function checkManifests(docs: Doc[], options: ManifestOptions): string[] {
  const problems = docs.flatMap(schemaProblems);
  const workloads = docs.filter(isWorkload);
  const podLabels = workloads.map((w) => w.spec?.template?.metadata?.labels);
  for (const doc of docs) {
    const at = nameOf(doc);
    if (
      doc.kind === 'Secret' &&
      (Object.keys(doc.data ?? {}).length || Object.keys(doc.stringData ?? {}).length)
    )
      problems.push(
        `${at}: a Secret with literal data is in the manifests; create it in the cluster instead`,
      );
    if (doc.kind === 'NetworkPolicy') {
      const peers = (doc.spec?.ingress ?? []).flatMap((rule: Doc) => rule.from ?? []);
      for (const selector of [
        doc.spec?.podSelector?.matchLabels,
        ...peers.map((p: Doc) => p.podSelector?.matchLabels),
      ])
        if (!podLabels.some((labels) => matches(selector, labels)))
          problems.push(`${at}: a pod selector (${JSON.stringify(selector)}) matches no pod`);
    }
    if ((doc.kind === 'Service' || doc.kind === 'PodDisruptionBudget') && doc.spec) {
      const selector = doc.kind === 'Service' ? doc.spec.selector : doc.spec.selector?.matchLabels;
      const targets = workloads.filter((w) => matches(selector, w.spec?.template?.metadata?.labels));
      if (!podLabels.some((labels) => matches(selector, labels)))
        problems.push(`${at}: its selector matches no pod`);
      if (doc.kind === 'Service')
        for (const p of doc.spec.ports ?? []) {
          const ok = targets.some((w) =>
            w.spec.template.spec.containers?.some(
              (c: Doc) =>
                probePort(c, p.targetPort ?? p.port) !== undefined &&
                c.ports?.some((cp: Doc) => cp.containerPort === probePort(c, p.targetPort ?? p.port)),
            ),
          );
          if (targets.length && !ok) problems.push(`${at}: port ${p.name} targets no container port`);
        }
    }
  }
  for (const w of workloads) {
    const pod = w.spec?.template;
    if (!pod?.spec) continue;
    if (
      w.kind === 'StatefulSet' &&
      !docs.some((d) => d.kind === 'Service' && d.metadata?.name === w.spec.serviceName)
    )
      problems.push(`${nameOf(w)}: its serviceName ${w.spec.serviceName} is not a Service here`);
    const volumes = new Set([
      ...(pod.spec.volumes ?? []).map((v: Doc) => v.name),
      ...(w.spec.volumeClaimTemplates ?? []).map((v: Doc) => v.metadata?.name),
    ]);
    for (const v of pod.spec.volumes ?? [])
      if (v.configMap && !docs.some((d) => d.kind === 'ConfigMap' && d.metadata?.name === v.configMap.name))
        problems.push(
          `${nameOf(w)}: volume ${v.name} names ConfigMap ${v.configMap.name}, which is not here`,
        );
    for (const c of pod.spec.containers ?? []) {
      const at = `${nameOf(w)} container ${c.name}`;
      problems.push(...securityProblems(at, pod.spec, c));
      for (const m of c.volumeMounts ?? [])
        if (!volumes.has(m.name)) problems.push(`${at}: volumeMount ${m.name} has no volume`);
      if (isRunner(c, options.runnerImage)) problems.push(...runnerProblems(at, w, c, options));
      if (/(^|\/)redis[:@]/.test(c.image ?? '') || (c.image ?? '').split(':')[0].endsWith('redis'))
        problems.push(
          ...redisPersistenceProblems([...(c.command ?? []), ...(c.args ?? [])]).map((p) => `${at}: ${p}`),
        );
    }
  }
  return problems;
}
