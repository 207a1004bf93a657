// The README is what a Five9 admin follows: its parameter table must be the connector's recommended set,
// and the example GET URL it shows must pop the answered call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECOMMENDED_PARAMS, RECOMMENDED_VARIABLES } from '../src/index.js';
import { run, TOKEN } from './helpers.js';

const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');

describe('five9 README', () => {
  it('lists every recommended variable parameter with its Five9 variable', () => {
    const rows = [...readme.matchAll(/^\s*\| `(\w+)` +\| variable +\| `(@[\w.]+@)` +\|/gm)].map(
      ([, name, variable]) => [name, variable],
    );
    expect(Object.fromEntries(rows)).toEqual(RECOMMENDED_VARIABLES);
  });

  it('lists exactly the recommended parameter names, plus the token', () => {
    const names = [...readme.matchAll(/^\s*\| `(\w+)` +\| (?:constant|variable) +\|/gm)].map(
      ([, name]) => name,
    );
    expect(names.sort()).toEqual([...Object.keys(RECOMMENDED_PARAMS), 'token'].sort());
  });

  it('shows an example GET URL that pops the answered call for the agent', async () => {
    const url = new URL(
      readme.match(/^https:\/\/<runner>\/webhooks\/five9\?(\S+)$/m)![0].replace('<runner>', 'runner.example'),
    );
    const query = Object.fromEntries(url.searchParams);
    const outcome = await run({ method: 'GET', query: { ...query, token: TOKEN } });
    expect(
      outcome.kind === 'accepted' && outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props.queue]),
    ).toEqual([['jdoe@acme.example', 'answered', 'Support_Tier1']]);
  });
});
