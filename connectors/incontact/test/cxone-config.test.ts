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
