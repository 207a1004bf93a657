// The Workspace session's options (when it runs, what is a config error, one session per agent, secrets),
// that a relay posting the same message gets the same messages as the session, and what the emulator
// refuses when a client does not do what the Workspace API requires.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  createRuntime,
  handleFrame,
  handleRequest,
  type InboundRequest,
} from '@openconnect/core';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import connector, { type GenesysConfig } from '../src/index.js';
import { agentFor } from '../src/workspace/settings.js';
import { PUREENGAGE_TOKEN, settings } from './settings.js';
import { JSMITH } from './workspace-harness.js';
import { emulator, sleep, subscription } from './workspace-hosts.js';

const api = {
  pureengageApiUrl: 'https://api-usw1.genhtcc.com',
  pureengageApiKey: 'the-api-key-0123',
  pureengageClientId: 'openconnect-runner',
  pureengageClientSecret: 'the-client-secret-0123',
};
const agent = { username: 'acme\\jsmith', password: 'the-password-0123', dn: '5001' };
const configOf = (options: Record<string, unknown>) =>
  createRuntime(connector, { options }).config as GenesysConfig;
/** A config error's problems, option path → message ("connector genesys options: path: message; ..."). */
const problemsOf = (message: string) =>
  Object.fromEntries(
    message
      .replace(/^connector genesys options: /, '')
      .split('; ')
      .map((problem) => [problem.slice(0, problem.indexOf(': ')), problem.slice(problem.indexOf(': ') + 2)]),
  );
const configError = (options: Record<string, unknown>) => {
  try {
    createRuntime(connector, { options });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a config error');
};

describe('pureengage-workspace options', () => {
  it('runs only when the API, its key, the OAuth client and an agent are set', () => {
    expect(subscription.enabled(configOf({}))).toBe(false);
    expect(subscription.enabled(configOf({ ...api, pureengageAgents: [agent] }))).toBe(true);
  });

  it('is one session per agent, named by its user name', () => {
    const second = { username: 'acme\\akim', password: 'other-password-01', dn: '5002', agentId: '1002' };
    expect(subscription.instances!(configOf({ ...api, pureengageAgents: [agent, second] }))).toEqual([
      'acme\\jsmith',
      'acme\\akim',
    ]);
  });

  it("holds the session of the agent the host names, the first agent's when it names none, and refuses another", () => {
    const second = { username: 'acme\\akim', password: 'other-password-01', dn: '5002' };
    const config = configOf({ ...api, pureengageAgents: [agent, second] });
    expect(agentFor(config, 'acme\\akim').dn).toBe('5002');
    expect(agentFor(config, undefined).dn).toBe('5001');
    expect(() => agentFor(config, 'acme\\nobody')).toThrow('no agent acme\\nobody in pureengageAgents');
  });

  it('is a config error to set part of it, naming each missing option', () => {
    const message = configError({ pureengageApiUrl: api.pureengageApiUrl, pureengageAgents: [agent] });
    for (const missing of ['pureengageApiKey', 'pureengageClientId', 'pureengageClientSecret'])
      expect(message).toContain(`${missing}: `);
    expect(message).toContain('pureengage-workspace');
    expect(configError({ ...api })).toMatch(
      /pureengageAgents: the agents to hold a session for .* is missing/,
    );
  });

  it('whichever one of its options alone is set, names every other one it needs and what to put there', () => {
    const needs: Record<string, string> = {
      pureengageApiUrl: 'the Workspace API base URL (e.g. https://api-usw1.genhtcc.com)',
      pureengageApiKey: 'the API key sent as x-api-key',
      pureengageClientId: 'the OAuth client id',
      pureengageClientSecret: "that OAuth client's secret",
      pureengageAgents: 'the agents to hold a session for ({ username, password, dn, agentId? } each)',
    };
    const alone: Record<string, unknown> = {
      ...api,
      pureengageAuthUrl: 'https://gws-usw1.genhtcc.com',
      pureengageAgents: [agent],
    };
    for (const [option, value] of Object.entries(alone)) {
      const missing = problemsOf(configError({ [option]: value }));
      expect(Object.keys(missing), `${option} alone`).toEqual(Object.keys(needs).filter((o) => o !== option));
      for (const [path, message] of Object.entries(missing))
        expect(message).toBe(
          `${needs[path]} is missing: the built-in Workspace API session (pureengage-workspace) needs it once any of its options is set`,
        );
    }
  });

  it('is a config error to list an agent twice, to leave out its dn, or to misspell a key', () => {
    expect(problemsOf(configError({ ...api, pureengageAgents: [agent, agent] }))).toEqual({
      pureengageAgents: 'acme\\jsmith is listed twice: one session per agent',
    });
    expect(configError({ ...api, pureengageAgents: [{ ...agent, dn: undefined }] })).toMatch(
      /pureengageAgents\.0\.dn/,
    );
    expect(configError({ ...api, pureengageAgents: [{ ...agent, passwd: 'x' }] })).toMatch(/passwd/);
  });

  it('keeps every agent password, the client secret and the API key among the secrets it redacts', () => {
    const second = { ...agent, username: 'acme\\akim', password: 'second-password-0456' };
    const runtime = createRuntime(connector, { options: { ...api, pureengageAgents: [agent, second] } });
    expect(runtime.secrets).toEqual(
      expect.arrayContaining([
        agent.password,
        second.password,
        api.pureengageApiKey,
        api.pureengageClientSecret,
      ]),
    );
  });
});

describe('the session and a relay give the same messages', () => {
  it('a frame of the session maps as the relay wrapper { agent, message } posted to the pureengage source', async () => {
    const fixture = JSON.parse(
      readFileSync(join(import.meta.dirname, '../fixtures/pureengage-workspace/call-lifecycle.json'), 'utf8'),
    ) as { steps: { frame: unknown }[] };
    const frame = fixture.steps[0]!.frame;
    const request: InboundRequest = {
      method: 'POST',
      url: 'http://127.0.0.1:8080/webhooks/genesys/pureengage',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PUREENGAGE_TOKEN}` },
      rawBody: Buffer.from(JSON.stringify(frame)),
      query: {},
    };
    const viaRelay = await handleRequest(createRuntime(connector, settings), request);
    const viaSession = await handleFrame(createRuntime(connector, settings), subscription, frame);
    expect(viaRelay.kind).toBe('accepted');
    expect(viaSession.kind).toBe('accepted');
    const shown = (o: typeof viaRelay) =>
      o.kind === 'accepted'
        ? o.messages.map(({ agentid, lifecycle, props }) => ({ agentid, lifecycle, props }))
        : [];
    expect(shown(viaSession)).toEqual(shown(viaRelay));
    expect(shown(viaSession)[0]).toMatchObject({ agentid: 'john.smith', lifecycle: 'offered' });
  });
});

describe('the Workspace API emulator refuses what the vendor refuses', () => {
  const http = axios.create({ validateStatus: () => true, timeout: 3_000 });

  async function signedIn() {
    const server = await emulator({ tokenLifetimeMs: 600 });
    const basic = Buffer.from(`${server.clientId}:${server.clientSecret}`).toString('base64');
    const form = new URLSearchParams({
      grant_type: 'password',
      username: JSMITH,
      password: server.accounts[0]!.password,
      client_id: server.clientId,
      scope: '*',
    });
    const token = await http.post(`${server.url}/auth/v3/oauth/token`, form.toString(), {
      headers: {
        'x-api-key': server.apiKey,
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    return { server, basic, form, token };
  }

  it('a token needs the key, the Basic client and the password', async () => {
    const { server, basic, form, token } = await signedIn();
    expect(token.status).toBe(200);
    expect(token.data).toMatchObject({ token_type: 'bearer', expires_in: 0.6, scope: '*' });
    const post = (headers: Record<string, string>, body = form) =>
      http.post(`${server.url}/auth/v3/oauth/token`, body.toString(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      });
    expect((await post({ authorization: `Basic ${basic}` })).status).toBe(403);
    expect((await post({ 'x-api-key': server.apiKey })).data).toMatchObject({ error: 'unauthorized' });
    const wrong = new URLSearchParams(form);
    wrong.set('password', 'nope');
    expect((await post({ 'x-api-key': server.apiKey, authorization: `Basic ${basic}` }, wrong)).data).toEqual(
      {
        error: 'invalid_grant',
        error_description: 'Bad credentials',
      },
    );
  });

  it('the CometD endpoint and every session request need the session cookie, and a session expires with its token', async () => {
    const { server, token } = await signedIn();
    const key = { 'x-api-key': server.apiKey };
    const initialized = await http.post(`${server.url}/workspace/v3/initialize-workspace`, undefined, {
      headers: { ...key, authorization: `Bearer ${token.data.access_token}` },
    });
    const cookie = String(initialized.headers['set-cookie']?.[0]).split(';')[0]!;
    expect(cookie).toMatch(/^WORKSPACE_SESSIONID=/);
    const handshake = [
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
    ];
    const notifications = `${server.url}/workspace/v3/notifications`;
    expect((await http.post(notifications, handshake, { headers: key })).status).toBe(403);
    const ok = await http.post(notifications, handshake, { headers: { ...key, cookie } });
    expect(ok.data[0]).toMatchObject({ channel: '/meta/handshake', successful: true });
    // Before the initialization completed, the voice channel cannot be activated.
    const early = await http.post(
      `${server.url}/workspace/v3/activate-channels`,
      { data: { agentId: '1001', dn: '5001' } },
      { headers: { ...key, cookie } },
    );
    expect(early.status).toBe(400);
    await sleep(900);
    expect(server.counters.expirations).toBe(1);
    expect((await http.post(notifications, handshake, { headers: { ...key, cookie } })).status).toBe(403);
  });
});
