// Fixtures: recorded vendor requests (webhook sources) and frames (sessions) with the exact messages they must
// become. Read by the conformance kits and by scripts/lifecycle-matrix.ts (docs/lifecycle.md), so it needs no
// test runner.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { CallShape } from '../legs.js';
import type { RecordedRequest } from '../request.js';

/** What a fixture expects. Exactly one of messages / ignored / status / handshake. */
export interface FixtureExpectation {
  /** The exact messages (agentid, event, lifecycle, props) the request becomes. */
  messages?: { agentid: string; event: string; lifecycle: string; props: Record<string, unknown> }[];
  /** A substring of the reason the request is ignored. */
  ignored?: string;
  /** The HTTP status of a refused request (400 for malformed input...). */
  status?: number;
  /** The request is a vendor handshake/ping: answered, nothing delivered. */
  handshake?: boolean;
  /** The expected de-duplication event id. */
  eventId?: string;
  /** With `messages`: the outbox de-duplication key of each message, in order (see Draft.dedupeId). */
  dedupeKeys?: (string | null)[];
}

export interface FixtureStep {
  request: RecordedRequest;
  expect: FixtureExpectation;
}

export interface Fixture {
  file: string;
  description: string;
  /** The source, from the fixture's folder name (fixtures/<source>/name.json) or its "source" field. */
  source: string;
  /** One request, or several in order on one runtime (for sources that keep state). */
  steps: FixtureStep[];
  /** The call shape the steps play (a transfer, a consult...): the kit checks core's leg rules on them. */
  callShape?: CallShape;
}

/** Webhook fixtures under dir; top-level folders named in `skip` (subscriptions' frame fixtures) are left out. */
export function loadFixtures(dir: string, skip: ReadonlySet<string> = new Set()): Fixture[] {
  const files: string[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      if (path === dir && skip.has(name)) continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.json')) files.push(full);
    }
  };
  walk(dir);
  return files.map((file) => {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as {
      description?: string;
      source?: string;
      request?: RecordedRequest;
      expect?: FixtureExpectation;
      steps?: FixtureStep[];
      callShape?: CallShape;
    };
    const folder = relative(dir, file).split(/[\\/]/);
    const source = raw.source ?? (folder.length > 1 ? folder[0]! : '');
    const steps =
      raw.steps ?? (raw.request && raw.expect ? [{ request: raw.request, expect: raw.expect }] : []);
    if (!steps.length) throw new Error(`${file}: a fixture needs "request" and "expect", or "steps"`);
    return {
      file,
      description: raw.description ?? basename(file, '.json'),
      source,
      steps,
      ...(raw.callShape ? { callShape: raw.callShape } : {}),
    };
  });
}

export interface FrameFixture {
  file: string;
  description: string;
  steps: { frame: unknown; expect: FixtureExpectation }[];
  /** The call shape the frames play: the kit checks core's leg rules on them (see Fixture.callShape). */
  callShape?: CallShape;
}

/** fixtures/<subscription>/*.json: `{description, frame, expect}` or `{description, steps: [{frame, expect}]}`. */
export function loadFrameFixtures(dir: string): FrameFixture[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json') && statSync(join(dir, name)).isFile());
  } catch {
    return [];
  }
  return names.sort().map((name) => {
    const file = join(dir, name);
    const raw = JSON.parse(readFileSync(file, 'utf8')) as {
      description?: string;
      frame?: unknown;
      expect?: FixtureExpectation;
      steps?: { frame: unknown; expect: FixtureExpectation }[];
      callShape?: CallShape;
    };
    const steps = raw.steps ?? (raw.expect ? [{ frame: raw.frame, expect: raw.expect }] : []);
    if (!steps.length) throw new Error(`${file}: a frame fixture needs "frame" and "expect", or "steps"`);
    return {
      file,
      description: raw.description ?? name,
      steps,
      ...(raw.callShape ? { callShape: raw.callShape } : {}),
    };
  });
}
