// The cookie jars cometd's XMLHttpRequest uses, one per Workspace session: what the API sets for one
// session goes back only with that session's requests, through the real XMLHttpRequest against a server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adaptOnce, openJar, releaseJar } from '../src/workspace/cookies.js';

let server: Server;
let url: string;
/** The Cookie header of each request, and the Set-Cookie headers the next answers give. */
const received: (string | undefined)[] = [];
const setCookies: string[][] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(req.headers.cookie);
    const set = setCookies.shift() ?? [];
    res.writeHead(200, { 'content-type': 'application/json', ...(set.length ? { 'set-cookie': set } : {}) });
    res.end('[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/workspace/v3/notifications/connect`;
  adaptOnce();
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Xhr {
  context?: unknown;
  onload?: () => void;
  onerror?: (error: unknown) => void;
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(data: string): void;
}

/** One request as cometd's long-polling transport sends it: the session cookie as a header, the jar as context. */
function request(sessionId: string | undefined, set: string[] = []): Promise<string | undefined> {
  setCookies.push(set);
  const XMLHttpRequest = (globalThis as unknown as { window: { XMLHttpRequest: new () => Xhr } }).window
    .XMLHttpRequest;
  const xhr = new XMLHttpRequest();
  return new Promise((resolve, reject) => {
    xhr.open('POST', url);
    if (sessionId !== undefined) {
      xhr.setRequestHeader('Cookie', `WORKSPACE_SESSIONID=${sessionId}`);
      xhr.context = { workspaceSession: sessionId };
    }
    xhr.onload = () => resolve(received.at(-1));
    xhr.onerror = reject;
    xhr.send('[]');
  });
}

describe('per-session cookie jars', () => {
  it("sends a cookie the API set back with that session's requests only", async () => {
    openJar('jsmith-1');
    openJar('akim-1');
    await request('jsmith-1', ['BAYEUX_BROWSER=a1b2c3; Path=/; HttpOnly']);
    expect(await request('akim-1')).toBe('WORKSPACE_SESSIONID=akim-1');
    expect(await request('jsmith-1')).toBe('BAYEUX_BROWSER=a1b2c3; WORKSPACE_SESSIONID=jsmith-1');
  });

  it('replaces a cookie the API sets again, for a session whose requests already carry cookies', async () => {
    openJar('jsmith-2');
    await request('jsmith-2', ['BAYEUX_BROWSER=first; Path=/']);
    await request('jsmith-2', ['BAYEUX_BROWSER=second; Path=/']);
    expect(await request('jsmith-2')).toBe('BAYEUX_BROWSER=second; WORKSPACE_SESSIONID=jsmith-2');
  });

  it('keeps a WORKSPACE_SESSIONID the API sets out of the jar: the session sends its own', async () => {
    openJar('jsmith-3');
    await request('jsmith-3', ['WORKSPACE_SESSIONID=someone-else; Path=/']);
    expect(await request('jsmith-3')).toBe('WORKSPACE_SESSIONID=jsmith-3');
  });

  it('replaces a cookie set again with a space before its "=", and drops the spaces around it', async () => {
    openJar('jsmith-6');
    await request('jsmith-6', ['BAYEUX_BROWSER=first; Path=/']);
    await request('jsmith-6', ['BAYEUX_BROWSER =second ; Path=/']);
    expect(await request('jsmith-6')).toBe('BAYEUX_BROWSER =second; WORKSPACE_SESSIONID=jsmith-6');
  });

  it('keeps a WORKSPACE_SESSIONID with a space before its "=" out of the jar', async () => {
    openJar('jsmith-7');
    await request('jsmith-7', ['WORKSPACE_SESSIONID =someone-else; Path=/']);
    expect(await request('jsmith-7')).toBe('WORKSPACE_SESSIONID=jsmith-7');
  });

  it('keeps no Set-Cookie without a name', async () => {
    openJar('jsmith-4');
    await request('jsmith-4', ['BAYEUX_BROWSER; Path=/', '=orphan; Path=/']);
    expect(await request('jsmith-4')).toBe('WORKSPACE_SESSIONID=jsmith-4');
  });

  it('keeps nothing for a request of no session, and sends it no cookie', async () => {
    await request(undefined, ['BAYEUX_BROWSER=stray; Path=/']);
    expect(await request(undefined)).toBeUndefined();
  });

  it('drops the cookies of a released session', async () => {
    openJar('jsmith-5');
    await request('jsmith-5', ['BAYEUX_BROWSER=a1b2c3; Path=/']);
    releaseJar('jsmith-5');
    expect(await request('jsmith-5')).toBe('WORKSPACE_SESSIONID=jsmith-5');
  });
});
