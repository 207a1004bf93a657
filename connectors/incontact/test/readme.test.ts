// The README's samples are what script authors and relay writers copy: the SNIPPET must build the body
// the README shows, and both sample bodies must map to the answered call for the agent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { config } from '../src/config.js';
import { BEARER, runtime } from './helpers.js';

const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
const block = (after: string, lang: string) => {
  const start = readme.indexOf(`\`\`\`${lang}\n`, readme.indexOf(after)) + lang.length + 4;
  return readme.slice(start, readme.indexOf('\n```', start));
};
const studioJson = JSON.parse(block('The JSON that arrives', 'json')) as Record<string, string>;
const snippet = block('Recommended SNIPPET', '');
const relayHttp = block('forwards every non-empty response', 'http');
const relayJson = JSON.parse(relayHttp.slice(relayHttp.indexOf('\n\n') + 2)) as unknown;

describe('incontact README', () => {
  it('has the SNIPPET set every field of the body it says arrives', () => {
    const set = [...snippet.matchAll(/^body\.(\w+) = /gm)].map(([, name]) => name);
    expect(set.sort()).toEqual(Object.keys(studioJson).sort());
  });

  it('maps the Studio body it shows to the answered call for the agent', async () => {
    const outcome = await runtime().post(studioJson, BEARER);
    expect(
      outcome.kind === 'accepted' &&
        outcome.messages.map((m) => [m.source, m.agentid, m.lifecycle, m.props.queue, m.props.AccountNumber]),
    ).toEqual([['studio', 'mreyes@acme.example', 'answered', 'Billing_Inbound', 'A-77812']]);
  });

  it('maps the relay request it shows to the answered call for the session agent', async () => {
    const outcome = await runtime().post(relayJson, BEARER);
    expect(
      outcome.kind === 'accepted' &&
        outcome.messages.map((m) => [m.source, m.agentid, m.lifecycle, m.props.direction]),
    ).toEqual([['agent-events', 'mreyes@acme.example', 'answered', 'inbound']]);
  });
});

describe('incontact README: the runner own CXone sessions', () => {
  const yaml = block('## Runner config', 'yaml');
  const options = yaml.slice(yaml.indexOf('options:'), yaml.indexOf('directory:'));
  const named = [...options.matchAll(/^ {6}(\w+):/gm)].map(([, name]) => name!);

  it('shows only options the connector takes in its config sample', () => {
    expect(named.filter((name) => !(name in config.shape))).toEqual([]);
    expect(named).toContain('cxoneAccessKeySecret');
  });

  it('lists every cxone option in its settings table', () => {
    const table = readme.slice(readme.indexOf('### Settings'), readme.indexOf('### `rtd-poll`'));
    const missing = Object.keys(config.shape).filter(
      (name) => name.startsWith('cxone') && !table.includes(`\`${name}\``),
    );
    expect(missing).toEqual([]);
  });
});
