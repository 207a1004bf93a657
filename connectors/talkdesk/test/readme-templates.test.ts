// The README's templates are what admins paste into Talkdesk: each must parse, and the body Talkdesk builds
// from it (placeholders filled) must map to the lifecycle the README's table promises.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { post } from './helpers.js';

const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Templates'), readme.indexOf('## Runner config'));
const templates = [...section.matchAll(/### (.+)\n\n```json\n([\s\S]*?)\n```/g)].map(([, title, json]) => ({
  title: title!,
  schema: JSON.parse(json!) as { properties: Record<string, { default: string }> },
}));

// What Talkdesk puts in place of each placeholder, for one call handled by one agent.
const VALUES: Record<string, string> = {
  call_id: 'c8e4f2a19b7d4e0f8a6b5c4d3e2f1a09',
  interaction_id: 'f1e2d3c4b5a697887766554433221100',
  interaction_context_id: 'ctx-0a1b2c3d',
  'contact.id': '5f8a1b2c3d4e5f6a7b8c9d0e',
  account_id: '5e1a2b3c4d5e6f7a8b9c0d1e',
  agent_id: '6021a7c4e9b8d7f6a5b4c3d2',
  'agent.name': 'Dana Whitfield',
  'agent.email': 'dana.whitfield@acme.example',
  'agent.tags_list': 'support',
  contact_phone_number: '+14155550143',
  talkdesk_phone_number: '+18005550199',
  tags: 'support',
  'contact.name': 'Jordan Ellis',
  waiting_time: '14',
  proactive_outbound: 'false',
  duration: '312',
  total_duration: '326',
  hold_time: '0',
  hangup: 'agent',
  recording_url: 'https://example.invalid/recording.mp3',
  start_time: '2026-11-25T14:05:11Z',
  timestamp: '2026-11-25T14:05:19Z',
  'phone.ivr': 'true',
  'interaction.type': 'call',
};

/** The JSON Talkdesk posts: every property's default, placeholders filled. */
function bodyFrom(schema: { properties: Record<string, { default: string }> }) {
  return Object.fromEntries(
    Object.entries(schema.properties).map(([name, { default: value }]) => [
      name,
      value.replace(/\{\{([^}]+)\}\}/g, (_, key: string) => VALUES[key] ?? `unfilled ${key}`),
    ]),
  );
}

const PROMISED: Record<string, [string, string]> = {
  'Inbound call starts': ['inbound_call_starts', 'answered'],
  'Inbound call ends': ['inbound_call_ends', 'ended'],
  'Outbound call ends': ['outbound_call_ends', 'ended'],
  'Agent logs in': ['agent_logs_in', 'agent_state'],
  'Agent logs out': ['agent_logs_out', 'agent_state'],
};

describe('talkdesk README templates', () => {
  it('ships one template per trigger the issue names', () => {
    expect(templates.map((t) => t.title)).toEqual([
      'Inbound call starts',
      'Inbound call ends',
      'Outbound call ends',
      'Inbound call reaches contact center',
      'Agent logs in',
      'Agent logs out',
    ]);
  });

  it('uses only placeholders this test knows how Talkdesk fills', () => {
    const used = templates.flatMap((t) =>
      Object.values(t.schema.properties).flatMap((p) =>
        [...p.default.matchAll(/\{\{([^}]+)\}\}/g)].map((m) => m[1]!),
      ),
    );
    expect(used.filter((key) => !(key in VALUES))).toEqual([]);
  });

  for (const [title, [trigger, lifecycle]] of Object.entries(PROMISED)) {
    it(`maps the body of "${title}" to ${lifecycle} for the agent, as the table says`, async () => {
      const template = templates.find((t) => t.title === title)!;
      const outcome = await post(bodyFrom(template.schema));
      expect(
        outcome.kind === 'accepted' &&
          outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props.nativeEvent]),
      ).toEqual([['dana.whitfield@acme.example', lifecycle, trigger]]);
    });
  }

  it('ignores the body of "Inbound call reaches contact center": no agent yet', async () => {
    const template = templates.find((t) => t.title === 'Inbound call reaches contact center')!;
    const outcome = await post(bodyFrom(template.schema));
    expect(outcome.kind === 'ignored' && outcome.reason).toContain('no agent yet');
  });
});
