// Field redaction of the runner's logger, independent of the value scrubbing (no secrets configured here):
// what an accidental `log.info({ config })` would otherwise write.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

function logged(object: Record<string, unknown>): Record<string, unknown> {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    secrets: [],
    destination: { write: (l: string) => lines.push(l) },
  });
  logger.info(object, 'line');
  const { level, time, pid, hostname, msg, ...rest } = JSON.parse(lines[0]!) as Record<string, unknown>;
  return rest;
}

describe('runner logger field redaction', () => {
  it('redacts jwt, adminToken, options and authorization at the top level', () => {
    expect(
      logged({ jwt: 'j', adminToken: 'a', options: { secret: 's' }, authorization: 'Bearer b', keep: 1 }),
    ).toEqual({
      jwt: '[redacted]',
      adminToken: '[redacted]',
      options: '[redacted]',
      authorization: '[redacted]',
      keep: 1,
    });
  });

  it('redacts jwt, adminToken and options one level down, keeping the rest of that object', () => {
    const openconnect = { jwt: 'j', crmid: 'crm.example.com' };
    const connector = { options: { secret: 's' }, adminToken: 'a', id: 'five9' };
    expect(logged({ openconnect, connector })).toEqual({
      openconnect: { jwt: '[redacted]', crmid: 'crm.example.com' },
      connector: { options: '[redacted]', adminToken: '[redacted]', id: 'five9' },
    });
    expect(openconnect.jwt).toBe('j'); // the caller's object is left as it was
    expect(connector.options).toEqual({ secret: 's' });
  });

  it('redacts the authorization and x-api-key headers of a logged request', () => {
    expect(
      logged({
        headers: { authorization: 'Bearer b', 'x-api-key': 'k', 'content-type': 'application/json' },
      }),
    ).toEqual({
      headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', 'content-type': 'application/json' },
    });
    expect(logged({ req: { headers: { authorization: 'Bearer b', 'x-api-key': 'k' } } })).toEqual({
      req: { headers: { authorization: '[redacted]', 'x-api-key': '[redacted]' } },
    });
  });

  it('redacts options on a logged error, keeping its message and stack', () => {
    const err = Object.assign(new Error('boom'), { options: { secret: 's' } });
    const out = logged({ err }) as {
      err: { type: string; message: string; stack: string; options: unknown };
    };
    expect(out.err).toMatchObject({ type: 'Error', message: 'boom', options: '[redacted]' });
    expect(out.err.stack).toContain('Error: boom');
    expect(err.options).toEqual({ secret: 's' });
  });

  it('leaves flat webhook log lines as they are', () => {
    const line = { connector: 'acme', source: 'events', eventId: 'evt-1', stored: ['1'], duplicates: 0 };
    expect(logged(line)).toEqual(line);
  });
});
