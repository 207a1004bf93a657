// docs/lifecycle.md (written by `pnpm lifecycle-matrix`, scripts/lifecycle-matrix.ts): the table PopFlow designers read: for every platform and
// source, which native event becomes which lifecycle word, on which leg and channel, with which canonical props,
// and the sequence each agent gets for a transfer, a consult, a conference and an outbound call. It is generated
// from the connectors' fixtures, whose messages the conformance kit proves are what the code produces; the
// registry's test (lifecycle-matrix.test.ts) fails when the page and the fixtures disagree.
import { join, relative, resolve } from 'node:path';
import { CALL_SHAPES, type CallShape, type ConnectorDefinition, PROP } from '@openconnect/core';
import { type FixtureExpectation, loadFixtures, loadFrameFixtures } from '@openconnect/core/fixtures';
import { connectors } from '../src/index.js';

export const root = resolve(import.meta.dirname, '../../..');
export const PAGE = join(root, 'docs/lifecycle.md');

type Message = NonNullable<FixtureExpectation['messages']>[number];
interface Play {
  file: string;
  description: string;
  callShape?: CallShape;
  messages: Message[];
}
interface Feed {
  kind: 'webhook' | 'session';
  id: string;
  description: string;
  platforms: string[];
  plays: Play[];
}

/** A connector's folder is its id (the scaffolder makes it so): its fixtures are in connectors/<id>/fixtures. */
const fixturesOf = (connector: ConnectorDefinition) => join(root, 'connectors', connector.id, 'fixtures');

export function feedsOf(connector: ConnectorDefinition, dir = fixturesOf(connector)): Feed[] {
  const subscriptions = connector.subscriptions ?? [];
  const webhooks = loadFixtures(dir, new Set(subscriptions.map((s) => s.id)));
  const plays = (steps: { expect: FixtureExpectation }[]) => steps.flatMap((s) => s.expect.messages ?? []);
  const feeds: Feed[] = connector.sources.map((source) => ({
    kind: 'webhook',
    id: source.id,
    description: source.description,
    platforms: source.platforms ?? connector.platforms,
    plays: webhooks
      .filter((f) => f.source === source.id)
      .map((f) => ({
        file: relative(root, f.file),
        description: f.description,
        ...(f.callShape ? { callShape: f.callShape } : {}),
        messages: plays(f.steps),
      })),
  }));
  for (const subscription of subscriptions) {
    feeds.push({
      kind: 'session',
      id: subscription.id,
      description: subscription.description,
      platforms: subscription.platforms ?? connector.platforms,
      plays: loadFrameFixtures(join(dir, subscription.id)).map((f) => ({
        file: relative(root, f.file),
        description: f.description,
        ...(f.callShape ? { callShape: f.callShape } : {}),
        messages: plays(f.steps),
      })),
    });
  }
  return feeds;
}

const SHOWN_APART: string[] = [PROP.nativeEvent, PROP.lifecycle, PROP.leg, PROP.channel, PROP.direction];
const CANONICAL = Object.values(PROP).filter((name) => !SHOWN_APART.includes(name));
const cell = (value: unknown) =>
  value === undefined || value === null || value === '' ? '—' : String(value).replaceAll('|', '\\|');
const code = (value: unknown) =>
  value === undefined || value === null || value === '' ? '—' : `\`${String(value).replaceAll('|', '\\|')}\``;

/** One row per distinct (native event, lifecycle, leg, channel, direction), its canonical props merged. */
function rows(feed: Feed): string[] {
  const byKey = new Map<string, { cells: unknown[]; props: Set<string>; files: Set<string> }>();
  for (const play of feed.plays) {
    for (const message of play.messages) {
      const p = message.props;
      const cells = [p[PROP.nativeEvent], message.lifecycle, p[PROP.leg], p[PROP.channel], p[PROP.direction]];
      const key = JSON.stringify(cells);
      const row = byKey.get(key) ?? { cells, props: new Set<string>(), files: new Set<string>() };
      for (const name of CANONICAL) if (p[name] !== undefined) row.props.add(name);
      row.files.add(
        play.file
          .split('/')
          .pop()!
          .replace(/\.json$/, ''),
      );
      byKey.set(key, row);
    }
  }
  const sorted = [...byKey.values()].sort((a, b) =>
    JSON.stringify(a.cells).localeCompare(JSON.stringify(b.cells)),
  );
  return sorted.map(({ cells, props }) => {
    const [native, lifecycle, leg, channel, direction] = cells;
    const named = CANONICAL.filter((name) => props.has(name))
      .map((name) => `\`${name}\``)
      .join(' ');
    return `| ${code(native)} | \`${lifecycle}\` | ${cell(leg)} | ${cell(channel)} | ${cell(direction)} | ${named || '—'} |`;
  });
}

/** Each agent's messages of a call-shape fixture, in order: `offered (primary) → answered (primary) → ended`. */
function sequences(play: Play): string[] {
  const byAgent = new Map<string, string[]>();
  for (const message of play.messages) {
    const leg = message.props[PROP.leg];
    const word = `${message.lifecycle}${leg ? ` (${leg})` : ''}`;
    byAgent.set(message.agentid, [...(byAgent.get(message.agentid) ?? []), word]);
  }
  return [...byAgent].map(([agent, words]) => `  - \`${agent}\`: ${words.join(' → ')}`);
}

const channelsOf = (feed: Feed) =>
  [
    ...new Set(
      feed.plays
        .flatMap((p) => p.messages.map((m) => m.props[PROP.channel]))
        .filter((c) => c !== undefined)
        .map(String),
    ),
  ].sort();

export function renderMatrix(list: readonly ConnectorDefinition[] = connectors, dirOf = fixturesOf): string {
  const out: string[] = [
    '# Lifecycle matrix',
    '',
    "<!-- Generated by `pnpm lifecycle-matrix` from the connectors' fixtures: do not edit by hand. -->",
    '',
    'What each platform sends, in the one vocabulary every connector shares (README, "Lifecycle and PopFlow event',
    'names" and "Call legs"). Every row comes from a fixture whose messages the conformance kit proves are what the',
    'code produces, and `connectors/registry/test/lifecycle-matrix.test.ts` fails when this page and the fixtures',
    'disagree: it cannot drift from the code. Run `pnpm lifecycle-matrix` after changing a fixture.',
    '',
    "Columns: the vendor's own event or state (`nativeEvent`), the lifecycle word (the default PopFlow event name),",
    'the call leg (`leg`), the media (`channel`), `direction`, and the other canonical props the message carries.',
    '',
    '## Call shapes by platform',
    '',
    '| Connector | Source | Platforms | transfer | consult | conference | outbound | channels |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const all = list.map((connector) => ({ connector, feeds: feedsOf(connector, dirOf(connector)) }));
  for (const { connector, feeds } of all) {
    for (const feed of feeds) {
      const shapes = CALL_SHAPES.filter((s) => s !== 'primary').map((shape) =>
        feed.plays.some((p) => p.callShape === shape) ? 'yes' : '—',
      );
      out.push(
        `| ${connector.id} | ${feed.id} | ${feed.platforms.join(', ')} | ${shapes.join(' | ')} | ${channelsOf(feed).join(', ') || '—'} |`,
      );
    }
  }
  for (const { connector, feeds } of all) {
    out.push('', `## ${connector.id}: ${connector.platforms.join(', ')}`);
    for (const feed of feeds) {
      out.push(
        '',
        `### ${feed.id} (${feed.kind === 'session' ? 'a session the runner holds' : 'webhook'}; ${feed.platforms.join(', ')})`,
        '',
        feed.description,
        '',
      );
      const lines = rows(feed);
      if (!lines.length) {
        out.push('No fixture of this source delivers a message.');
        continue;
      }
      out.push(
        '| Native event | Lifecycle | Leg | Channel | Direction | Canonical props |',
        '|---|---|---|---|---|---|',
        ...lines,
      );
      const shaped = feed.plays.filter((p) => p.callShape && p.callShape !== 'primary');
      if (shaped.length) {
        out.push('', "Call shapes, each agent's messages in order:", '');
        for (const play of shaped.sort((a, b) => a.file.localeCompare(b.file))) {
          out.push(`- **${play.callShape}** (\`${play.file}\`): ${play.description}`, ...sequences(play));
        }
      }
    }
  }
  return `${out.join('\n')}\n`;
}
