// The runner's own CXone sessions run from configuration alone: complete credentials switch them on, a
// half-configured session is a start-up error naming what is missing, and a deployment without a relay
// token keeps its webhooks shut.
import { createRuntime } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector, { type InContactConfig } from '../src/index.js';
import { runtime } from './helpers.js';

const CREDENTIALS = {
  cxoneApiUrl: 'https://api-na1.niceincontact.com/inContactAPI',
  cxoneClientId: 'openconnect@acme',
  cxoneClientSecret: 'client-secret-0123456789',
  cxoneAccessKeyId: 'AK0123456789',
  cxoneAccessKeySecret: 'access-key-secret-0123456789',
};
const configOf = (options: Record<string, unknown>) =>
  createRuntime(connector, { options }).config as InContactConfig;
const enabled = (options: Record<string, unknown>) =>
  connector.subscriptions!.filter((s) => s.enabled(configOf(options))).map((s) => s.id);

describe('incontact CXone sessions: configuration', () => {
  it('runs nothing of its own without CXone options', () => {
    expect(enabled({ token: 'test-token-0123456789' })).toEqual([]);
  });

  it('polls the Real-Time Data API once the credentials are set, and holds agent sessions once agents are listed', () => {
    expect(enabled(CREDENTIALS)).toEqual(['rtd-poll']);
    expect(enabled({ ...CREDENTIALS, cxoneAgentIds: ['23045871'] })).toEqual(['rtd-poll', 'agent-sessions']);
    expect(enabled({ ...CREDENTIALS, cxoneRealtime: false, cxoneAgentIds: ['23045871'] })).toEqual([
      'agent-sessions',
    ]);
  });

  it('refuses a half-configured session, naming each missing option', () => {
    expect(() =>
      configOf({ cxoneApiUrl: CREDENTIALS.cxoneApiUrl, cxoneAccessKeyId: 'AK0123456789' }),
    ).toThrow(
      /cxoneClientId: the client id of the registered API application is missing.*cxoneClientSecret: .*cxoneAccessKeySecret: that access key secret is missing/,
    );
    expect(() => configOf({ cxoneAgentIds: ['23045871'] })).toThrow(/cxoneApiUrl: your cluster API base URL/);
  });

  it('refuses credentials with nothing to run, and start mode without a station for each agent', () => {
    expect(() => configOf({ ...CREDENTIALS, cxoneRealtime: false })).toThrow(
      'cxoneAgentIds: cxoneRealtime is false and no agent is listed',
    );
    expect(() =>
      configOf({
        ...CREDENTIALS,
        cxoneAgentIds: ['23045871', '23045872'],
        cxoneAgentSessionMode: 'start',
        cxoneAgentStations: { '23045871': { stationId: '700101' } },
      }),
    ).toThrow('cxoneAgentStations: agent 23045872 has no station');
  });

  it('takes the defaults the research names, and a version with a leading v', () => {
    const config = configOf({ ...CREDENTIALS, cxoneApiVersion: 'v26.0' });
    expect([
      config.cxoneAuthUrl,
      config.cxoneApiVersion,
      config.cxoneRealtimeIntervalMs,
      config.cxoneLongPollSeconds,
      config.cxoneAgentSessionMode,
    ]).toEqual(['https://cxone.niceincontact.com/auth/token', '26.0', 3_000, 60, 'join']);
  });

  it('adds the Real-Time Data state names given to the default table, or overrides them', () => {
    const states = configOf({
      ...CREDENTIALS,
      cxoneRealtimeStates: { Connected: 'Active', PostQueue: 'None' },
    }).cxoneRealtimeStates;
    expect([states.Connected, states.PostQueue, states.Active, states.Routing]).toEqual([
      'Active',
      'None',
      'Active',
      'Incoming',
    ]);
  });

  it('refuses an agent id that is not a CXone number', () => {
    expect(() => configOf({ ...CREDENTIALS, cxoneAgentIds: ['mreyes'] })).toThrow(
      'must be a numeric CXone id',
    );
  });

  it('reads agent, skill and team ids given as numbers or padded text as the same ids', () => {
    const c = configOf({
      ...CREDENTIALS,
      cxoneAgentIds: [23045871, ' 23045872 '],
      cxoneRealtimeSkillIds: [4120345],
      cxoneRealtimeTeamIds: ['1101'],
    });
    expect([c.cxoneAgentIds, c.cxoneRealtimeSkillIds, c.cxoneRealtimeTeamIds]).toEqual([
      ['23045871', '23045872'],
      ['4120345'],
      ['1101'],
    ]);
  });

  it.each([
    [{ cxoneApiUrl: 'ftp://api-na1.niceincontact.com/inContactAPI' }, 'cxoneApiUrl: must be an http(s) URL'],
    [{ cxoneApiVersion: '23' }, 'cxoneApiVersion: must be a version like 23.0'],
    [{ cxoneRealtimeIntervalMs: 49 }, 'cxoneRealtimeIntervalMs'],
    [{ cxoneLongPollSeconds: 301 }, 'cxoneLongPollSeconds'],
    [{ cxoneLongPollSeconds: 0 }, 'cxoneLongPollSeconds'],
    [{ cxoneRealtimeSkillIds: [-1] }, 'cxoneRealtimeSkillIds'],
  ])('refuses %o naming the option', (options, message) => {
    expect(() => configOf({ ...CREDENTIALS, ...options })).toThrow(message);
  });

  it('accepts the bounds: a 50 ms poll and a long poll of 1 or 300 s', () => {
    const c = configOf({ ...CREDENTIALS, cxoneRealtimeIntervalMs: 50, cxoneLongPollSeconds: 300 });
    expect([
      c.cxoneRealtimeIntervalMs,
      c.cxoneLongPollSeconds,
      configOf({ ...CREDENTIALS, cxoneLongPollSeconds: 1 }).cxoneLongPollSeconds,
    ]).toEqual([50, 300, 1]);
  });

  it('takes a station by id or by phone number, and refuses one with neither', () => {
    const start = (station: Record<string, string>) =>
      configOf({
        ...CREDENTIALS,
        cxoneAgentIds: ['23045871'],
        cxoneAgentSessionMode: 'start',
        cxoneAgentStations: { '23045871': station },
      }).cxoneAgentStations['23045871'];
    expect([start({ stationId: '700101' }), start({ stationPhoneNumber: '6025550177' })]).toEqual([
      { stationId: '700101' },
      { stationPhoneNumber: '6025550177' },
    ]);
    expect(() => start({ stationId: ' ' })).toThrow();
    expect(() => start({})).toThrow('give stationId or stationPhoneNumber');
  });

  it('needs no station in join mode', () => {
    expect(configOf({ ...CREDENTIALS, cxoneAgentIds: ['23045871'] }).cxoneAgentSessionMode).toBe('join');
  });

  it('counts an agent list alone as starting the sessions, so the missing credentials are named', () => {
    expect(() => configOf({ cxoneAgentIds: ['23045871'], cxoneRealtime: false })).toThrow(
      /cxoneClientSecret: the client secret of the registered API application is missing: the runner own CXone sessions \(rtd-poll, agent-sessions\) need it once any cxone option is set/,
    );
  });

  it('redacts both CXone secrets', () => {
    expect(createRuntime(connector, { options: CREDENTIALS }).secrets).toEqual([
      'client-secret-0123456789',
      'access-key-secret-0123456789',
    ]);
  });

  it('keeps the webhooks shut when no relay token is set (a deployment of the built-in sessions only)', async () => {
    const outcome = await runtime({ token: undefined, ...CREDENTIALS }).post({
      ContactID: '1',
      event: 'answered',
    });
    expect([outcome.answer.status, 'reason' in outcome && outcome.reason]).toEqual([
      401,
      'no token is configured for the inContact webhooks: set options.token',
    ]);
  });
});
