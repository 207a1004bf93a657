import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lineConnector } from '@openconnect/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { connectors } from '../src/index.js';
import { feedsOf, PAGE, renderMatrix } from './lifecycle-matrix.js';

describe('docs/lifecycle.md', () => {
  it("is what the connectors' fixtures give (run `pnpm lifecycle-matrix` after changing a fixture)", () => {
    expect(readFileSync(PAGE, 'utf8')).toBe(renderMatrix());
  });

  // Issue 12: for each platform, a transfer and a consult (and a conference where the platform has one) play
  // the documented sequence per agent. The kit checks each fixture keeps the rules; this checks they exist.
  const NO_CONFERENCE: Record<string, string> = {
    Talkdesk: 'its Connections triggers cannot tell a party added to a conference from a consult (README)',
  };
  const platforms = connectors.flatMap((connector) => {
    const feeds = feedsOf(connector);
    return connector.platforms.map((platform) => ({
      platform,
      plays: feeds.filter((f) => f.platforms.includes(platform)).flatMap((f) => f.plays),
    }));
  });
  describe.each(platforms.map((p) => [p.platform, p] as const))('%s', (platform, { plays }) => {
    const shapes = ['transfer', 'consult', ...(NO_CONFERENCE[platform] ? [] : ['conference'])];
    for (const shape of shapes) {
      it(`has a ${shape} call-shape fixture`, () => {
        expect(plays.filter((p) => p.callShape === shape).map((p) => p.file)).not.toEqual([]);
      });
    }
  });
});

describe('the matrix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'matrix-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const message = (agentid: string, lifecycle: string, props: Record<string, unknown>) => ({
    agentid,
    event: lifecycle,
    lifecycle,
    props: { lifecycle, ...props },
  });
  mkdirSync(join(dir, 'line'), { recursive: true });
  writeFileSync(
    join(dir, 'line', 'call-transfer.json'),
    JSON.stringify({
      description: 'jdoe transfers c-1 to asmith',
      callShape: 'transfer',
      steps: [
        {
          frame: {},
          expect: {
            messages: [
              message('jdoe', 'answered', {
                nativeEvent: 'talking',
                interactionId: 'c-1',
                leg: 'primary',
                channel: 'voice',
                ani: '3175550100',
              }),
            ],
          },
        },
        {
          frame: {},
          expect: {
            messages: [message('jdoe', 'transferred', { nativeEvent: 'moved', interactionId: 'c-1' })],
          },
        },
        {
          frame: {},
          expect: {
            messages: [
              message('asmith', 'offered', {
                nativeEvent: 'ringing',
                interactionId: 'c-2',
                leg: 'transfer',
                parentInteractionId: 'c-1',
                channel: 'voice',
              }),
            ],
          },
        },
      ],
    }),
  );
  const page = renderMatrix([lineConnector], () => dir);

  it('gives a row per native event, lifecycle, leg, channel and direction, with the canonical props it carries', () => {
    expect(page).toContain('| `talking` | `answered` | primary | voice | — | `interactionId` `ani` |');
    expect(page).toContain(
      '| `ringing` | `offered` | transfer | voice | — | `interactionId` `parentInteractionId` |',
    );
    expect(page).toContain('| `moved` | `transferred` | — | — | — | `interactionId` |');
  });

  it("shows each agent's sequence for a call shape, and the shapes a source has", () => {
    expect(page).toContain('- **transfer** (`');
    expect(page).toContain(
      '  - `jdoe`: answered (primary) → transferred\n  - `asmith`: offered (transfer)\n',
    );
    expect(page).toContain('| line | line | Line | yes | — | — | — | voice |');
  });
});
