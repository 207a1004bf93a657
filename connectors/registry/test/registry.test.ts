import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectorIds, connectors, findConnector } from '../src/index.js';

const folderOf = (id: string) => join(import.meta.dirname, '../..', id);

describe('registry', () => {
  it('lists every connector folder, each once', () => {
    // Read from disk, so a connector made by `pnpm new-connector` passes as generated, and a folder
    // someone forgot to register fails here.
    const folders = readdirSync(join(import.meta.dirname, '../..'), { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() &&
          entry.name !== 'registry' &&
          existsSync(join(folderOf(entry.name), 'src/index.ts')),
      )
      .map((entry) => entry.name)
      .sort((a, b) => a.localeCompare(b));
    expect(connectorIds()).toEqual(folders);
  });

  it('ships the nine platforms of the first release', () => {
    expect(connectorIds()).toEqual(
      expect.arrayContaining([
        '8x8',
        'amazon-connect',
        'avaya',
        'cisco',
        'five9',
        'genesys',
        'incontact',
        'talkdesk',
        'twilio-flex',
      ]),
    );
  });

  it('finds a connector by id and returns undefined for an unknown one', () => {
    for (const connector of connectors) expect(findConnector(connector.id)).toBe(connector);
    expect(findConnector('no-such-vendor')).toBeUndefined();
  });

  describe.each(connectors.map((c) => [c.id, c] as const))('%s', (id, connector) => {
    it('lives in the folder named after its id', () => {
      expect(existsSync(join(folderOf(id), 'src/index.ts'))).toBe(true);
    });

    it('has recorded fixtures for every source', () => {
      for (const source of connector.sources) {
        const dir = join(folderOf(id), 'fixtures', source.id);
        expect(
          existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json')),
          `fixtures/${source.id}/`,
        ).toBe(true);
      }
    });

    it('has a README that gives the webhook URL to paste', () => {
      const readme = readFileSync(join(folderOf(id), 'README.md'), 'utf8');
      expect(readme).toContain(`/webhooks/${id}`);
    });

    it('describes how every source authenticates', () => {
      for (const source of connector.sources) {
        expect(source.auth.summary.length, source.id).toBeGreaterThan(5);
        if (source.auth.scheme !== 'none')
          expect(source.auth.credentials.length, source.id).toBeGreaterThan(0);
      }
    });
  });
});
