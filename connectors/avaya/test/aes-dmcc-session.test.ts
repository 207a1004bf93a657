// The DMCC session's own behaviour against the emulated AES: the sequence, the reset at half the duration,
// resume without doubled monitors, new sessions after expiry, agent logins, clean stop, refusals, faults.
import { createMemoryStateStore, createRuntime, renewalTime, SessionError, sleep } from '@openconnect/core';
import { hostSubscription, type TestHost } from '@openconnect/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { deadlineRenewedAt } from '../src/dmcc/session.js';
import { type DmccEmulator, startDmccEmulator, testCertificate } from '../src/emulators/dmcc.js';
import connector from '../src/index.js';
import { callEvents, connected, dmcc, dmccRuntime, oneSession } from './dmcc-helpers.js';

let emulator: DmccEmulator;
let host: TestHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
  await emulator?.close();
});
const lifecycles = (h: { messages: { lifecycle: string; props: Record<string, unknown> }[] }) =>
  h.messages.map((m) => `${m.props.extension}:${m.props.interactionId}:${m.lifecycle}`);
const hosted = (options: Record<string, unknown> = {}) => {
  host = hostSubscription(dmccRuntime(emulator, options), dmcc);
  return host;
};

describe('aes-dmcc config', () => {
  const full = {
    aesHost: 'aes1.example.com',
    aesUser: 'cti',
    aesPassword: 'secret-pass',
    aesSwitchName: 'CM1',
    aesExtensions: ['4001'],
  };

  it('is a config error naming each missing option when the DMCC session is partly configured', () => {
    expect(() =>
      createRuntime(connector, { options: { aesHost: 'aes1.example.com', aesExtensions: ['4001'] } }),
    ).toThrow(
      /aesUser: aesUser is required.*aesPassword: aesPassword is required.*aesSwitchName: aesSwitchName is required/,
    );
  });

  it('runs only when configured, on 4722 with TLS by default and 4721 without, and redacts the password', () => {
    expect(dmcc.enabled(createRuntime(connector, {}).config)).toBe(false);
    const runtime = createRuntime(connector, { options: full });
    expect(dmcc.enabled(runtime.config)).toBe(true);
    expect(runtime.secrets).toContain('secret-pass');
    const config = runtime.config as {
      aesTls: boolean;
      aesSessionDurationS: number;
      aesProtocolVersion: string;
    };
    expect([config.aesTls, config.aesSessionDurationS, config.aesProtocolVersion]).toEqual([
      true,
      180,
      'http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv7',
    ]);
  });

  it('refuses an extension that is not digits', () => {
    expect(() => createRuntime(connector, { options: { ...full, aesExtensions: ['40 01'] } })).toThrow(
      /aesExtensions.0: each of aesExtensions must be a station extension/,
    );
  });
});

describe('the renewal schedule', () => {
  for (const durationS of [2, 10, 180, 3600, 7200]) {
    it(`hands renewBefore a deadline it renews at half of a ${durationS} s session`, () => {
      const now = 1_700_000_000_000;
      const half = now + (durationS * 1000) / 2;
      expect(Math.abs(renewalTime(now, deadlineRenewedAt(now, half)) - half)).toBeLessThan(1);
    });
  }
});

describe('aes-dmcc against the emulated AES', () => {
  it('signs in, monitors each station through GetDeviceId and MonitorStart, and shows connected', async () => {
    emulator = await startDmccEmulator();
    const session = oneSession(dmccRuntime(emulator));
    await session.until('connected', () => connected(session));
    expect(session.statuses.at(-1)).toEqual({
      status: 'connected',
      detail: `monitoring 2 station(s) on CM1 through AES tls://127.0.0.1:${emulator.port}`,
    });
    expect(
      emulator.sessions().map((s) => [s.user, s.durationS, s.monitors.map((m) => m.extension).sort()]),
    ).toEqual([['openconnect', 2, ['4001', '4002']]]);
    expect(emulator.counters.requests).toEqual({
      StartApplicationSession: 1,
      GetDeviceId: 2,
      MonitorStart: 2,
    });
    await session.stop();
  });

  it('resets the session timer at half the duration AES grants', async () => {
    emulator = await startDmccEmulator({ maxSessionDurationS: 2 });
    const session = oneSession(dmccRuntime(emulator, { aesSessionDurationS: 180 }));
    await session.until('connected', () => connected(session));
    const since = Date.now();
    await session.until('two resets', () => session.renewals.length >= 2, 5_000);
    const [first, second] = session.renewals;
    expect(first!.at - since).toBeGreaterThan(700);
    expect(first!.at - since).toBeLessThan(1_300);
    expect(second!.at - first!.at).toBeGreaterThan(700);
    expect(second!.at - first!.at).toBeLessThan(1_300);
    expect(emulator.counters.expirations).toBe(0);
    await session.stop();
  });

  it('pops a call once each through a forced disconnect: the session is resumed with its monitors, not monitored twice', async () => {
    emulator = await startDmccEmulator();
    const h = hosted();
    await h.until('connected', () => h.connected);
    const [delivered, established, cleared] = callEvents('4001', '501');
    emulator.push(delivered!);
    await h.until('the offer', () => h.messages.length === 1);
    emulator.controls.drop();
    await h.until('a resumed session', () => h.sessions === 2 && h.connected);
    expect([
      emulator.counters.sessionsStarted,
      emulator.counters.sessionsResumed,
      emulator.counters.monitorsStarted,
    ]).toEqual([1, 1, 2]);
    expect([emulator.monitorsOf('4001'), emulator.monitorsOf('4002')]).toEqual([1, 1]);
    emulator.push([established!, cleared!, ...callEvents('4002', '502', ['DeliveredEvent'])]);
    await h.until('four messages', () => h.messages.length === 4);
    await sleep(150);
    expect(lifecycles(h)).toEqual([
      '4001:501:offered',
      '4001:501:answered',
      '4001:501:ended',
      '4002:502:offered',
    ]);
  });

  it('after a session expiry, starts a new session that monitors every station again, and the call goes on once', async () => {
    emulator = await startDmccEmulator();
    const h = hosted();
    await h.until('connected', () => h.connected);
    const [delivered, established, cleared] = callEvents('4002', '601');
    emulator.push(delivered!);
    await h.until('the offer', () => h.messages.length === 1);
    emulator.controls.expire();
    await h.until('a new session', () => emulator.counters.sessionsStarted === 2 && h.connected);
    expect(h.errors[0]).toMatch(/AES ended the application session \(Application session timer expired\)/);
    expect([
      emulator.counters.sessionsResumed,
      emulator.monitorsOf('4001'),
      emulator.monitorsOf('4002'),
    ]).toEqual([0, 1, 1]);
    emulator.push([established!, cleared!]);
    await h.until('three messages', () => h.messages.length === 3);
    await sleep(150);
    expect(lifecycles(h)).toEqual(['4002:601:offered', '4002:601:answered', '4002:601:ended']);
  });

  it('learns of a silent expiry from the refused reset, and starts a new session', async () => {
    emulator = await startDmccEmulator({ notifyExpiry: false });
    const h = hosted();
    await h.until('connected', () => h.connected);
    emulator.controls.expire();
    await h.until('a new session', () => emulator.counters.sessionsStarted === 2 && h.connected, 5_000);
    expect(h.errors[0]).toMatch(
      /AES refused ResetApplicationSessionTimer \(ResetApplicationSessionTimerNegResponse definedError: invalidSessionID\)/,
    );
    emulator.push(callEvents('4001', '602', ['DeliveredEvent']));
    await h.until('the offer', () => h.messages.length === 1);
  });

  it('starts a new session when AES no longer has the one it tries to resume', async () => {
    emulator = await startDmccEmulator({ notifyExpiry: false });
    const h = hosted();
    await h.until('connected', () => h.connected);
    emulator.controls.expire();
    emulator.controls.drop();
    await h.until('a new session', () => emulator.counters.sessionsStarted === 2 && h.connected);
    expect(emulator.counters.requests.StartApplicationSession).toBe(3);
    expect([
      emulator.counters.sessionsResumed,
      emulator.monitorsOf('4001'),
      emulator.monitorsOf('4002'),
    ]).toEqual([0, 1, 1]);
    emulator.push(callEvents('4001', '603', ['DeliveredEvent']));
    await h.until('the offer', () => h.messages.length === 1);
  });

  it('stops cleanly: MonitorStop for each station, StopApplicationSession, and the next start is a new session', async () => {
    emulator = await startDmccEmulator();
    const state = createMemoryStateStore();
    const first = oneSession(dmccRuntime(emulator, {}, state));
    await first.until('connected', () => connected(first));
    expect(await first.stop()).toBeUndefined();
    expect([
      emulator.counters.monitorsStopped,
      emulator.counters.sessionsStopped,
      emulator.sessions().length,
    ]).toEqual([2, 1, 0]);
    const second = oneSession(dmccRuntime(emulator, {}, state));
    await second.until('connected', () => connected(second));
    expect([emulator.counters.sessionsStarted, emulator.counters.sessionsResumed]).toEqual([2, 0]);
    await second.stop();
  });

  it('ends promptly when stopped while AES does not answer: at once during set-up, within 3 s once connected', async () => {
    emulator = await startDmccEmulator();
    emulator.controls.stall(true);
    const early = oneSession(dmccRuntime(emulator, { aesRequestTimeoutMs: 60_000 }));
    await early.until('connecting', () => early.statuses.length > 0 && emulator.counters.connections === 1);
    let since = Date.now();
    expect(await early.stop()).toBeUndefined();
    expect(Date.now() - since).toBeLessThan(500);
    emulator.controls.stall(false);
    const late = oneSession(dmccRuntime(emulator, { aesRequestTimeoutMs: 60_000 }));
    await late.until('connected', () => connected(late));
    emulator.controls.stall(true);
    since = Date.now();
    expect(await late.stop()).toBeUndefined();
    expect(Date.now() - since).toBeLessThan(3_500);
  });

  it('names agents from GetAgentState when asked: the agent AES reports, not the directory entry of the station', async () => {
    emulator = await startDmccEmulator({ agents: { '4002': 'agent-77' } });
    const h = hosted({ aesAgentLogin: 'GetAgentState', aesAgentStatePollMs: 100 });
    await h.until('connected', () => h.connected);
    emulator.push(callEvents('4002', '701', ['DeliveredEvent']));
    await h.until('the offer', () => h.messages.length === 1);
    expect([h.messages[0]!.agentid, h.messages[0]!.props.extension]).toEqual(['agent-77', '4002']);
    emulator.controls.setAgent('4002', 'agent-88');
    await sleep(300);
    emulator.push(callEvents('4002', '702', ['DeliveredEvent']));
    await h.until('the second offer', () => h.messages.length === 2);
    expect(h.messages[1]!.agentid).toBe('agent-88');
    expect(emulator.counters.agentStateQueries).toBeGreaterThan(2);
  });

  it('follows AgentLoggedOnEvent between polls when asking GetAgentState', async () => {
    emulator = await startDmccEmulator();
    const h = hosted({ aesAgentLogin: 'GetAgentState', aesAgentStatePollMs: 3_600_000 });
    await h.until('connected', () => h.connected);
    emulator.controls.setAgent('4001', '5001', { notify: true });
    emulator.push(callEvents('4001', '703', ['DeliveredEvent']));
    await h.until('two messages', () => h.messages.length === 2);
    expect(h.messages.map((m) => [m.lifecycle, m.agentid, m.props.agentPlatformId])).toEqual([
      ['agent_state', 'jdoe', '5001'],
      ['offered', 'jdoe', '5001'],
    ]);
  });

  it('names agents from the directory by default, and never asks GetAgentState', async () => {
    emulator = await startDmccEmulator({ agents: { '4002': 'agent-77' } });
    const h = hosted();
    await h.until('connected', () => h.connected);
    emulator.push(callEvents('4002', '704', ['DeliveredEvent']));
    await h.until('the offer', () => h.messages.length === 1);
    expect(h.messages[0]!.agentid).toBe('asmith');
    expect(emulator.counters.agentStateQueries).toBe(0);
  });

  it('fails on a wrong password, saying what to check and never the password', async () => {
    emulator = await startDmccEmulator();
    const password = 'Wr0ng-p@ss<&>word';
    const session = oneSession(dmccRuntime(emulator, { aesPassword: password }));
    const error = (await session.ended) as SessionError;
    expect(error).toBeInstanceOf(SessionError);
    expect(error.failed).toBe(true);
    expect(error.message).toBe(
      'AES refused the DMCC application session for user openconnect (definedError: invalidApplicationInfo): check aesUser and aesPassword (an AES CTI user), and that AES speaks aesProtocolVersion http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv7',
    );
    expect(JSON.stringify(session.logs)).not.toContain(password);
    expect(emulator.counters.loginsRefused).toBe(1);
  });

  it('counts XML with an entity declaration or an external DTD as bad frames, and goes on', async () => {
    emulator = await startDmccEmulator();
    const h = hosted();
    await h.until('connected', () => h.connected);
    emulator.controls.sendMalformed('entity');
    emulator.controls.sendMalformed('doctype');
    await h.until('two bad frames', () => h.badFrames.length === 2);
    expect(h.badFrames).toEqual([
      'a message from AES could not be read: XML with a DOCTYPE or ENTITY declaration is refused',
      'a message from AES could not be read: XML with a DOCTYPE or ENTITY declaration is refused',
    ]);
    emulator.push(callEvents('4001', '801', ['DeliveredEvent']));
    await h.until('the offer', () => h.messages.length === 1);
    expect(h.sessions).toBe(1);
  });

  it('reads messages split into 1-byte writes and several coalesced into one write', async () => {
    emulator = await startDmccEmulator();
    emulator.controls.split(1);
    // One byte per event-loop turn is slow on a loaded machine: neither the answers nor the session may time out meanwhile.
    const h = hosted({ aesRequestTimeoutMs: 10_000, aesSessionDurationS: 120 });
    await h.until('connected through split answers', () => h.connected);
    emulator.push(callEvents('4001', '901'));
    await h.until('three messages', () => h.messages.length === 3);
    emulator.controls.split(false);
    emulator.controls.coalesce(true);
    for (const event of callEvents('4002', '902')) emulator.push(event);
    await h.until('six messages', () => h.messages.length === 6);
    expect(lifecycles(h)).toEqual([
      '4001:901:offered',
      '4001:901:answered',
      '4001:901:ended',
      '4002:902:offered',
      '4002:902:answered',
      '4002:902:ended',
    ]);
    expect(h.badFrames).toEqual([]);
  });

  it('takes an event that arrives in the same read as its MonitorStartResponse', async () => {
    emulator = await startDmccEmulator();
    emulator.controls.coalesce(true);
    const h = hosted({ aesExtensions: ['4001'] });
    while (emulator.counters.monitorsStarted === 0) await new Promise((resolve) => setImmediate(resolve));
    emulator.push(callEvents('4001', '906', ['DeliveredEvent']));
    await h.until('the offer', () => h.messages.length === 1);
  });

  it('gives a stalled AES up after aesRequestTimeoutMs and reconnects once it answers again', async () => {
    emulator = await startDmccEmulator();
    const h = hosted({ aesRequestTimeoutMs: 300 });
    await h.until('connected', () => h.connected);
    emulator.controls.stall(true);
    await h.until('the reset to time out', () => h.errors.length >= 1, 5_000);
    expect(h.errors[0]).toBe(
      'renewing the DMCC application session failed: AES did not answer ResetApplicationSessionTimer within 300 ms',
    );
    emulator.controls.stall(false);
    await h.until('connected again', () => h.connected && h.sessions >= 2, 5_000);
    emulator.push(callEvents('4001', '903', ['DeliveredEvent']));
    await h.until('the offer', () => h.messages.length === 1);
  });

  it('shows degraded naming a station AES refuses, and monitors the others', async () => {
    emulator = await startDmccEmulator({ stations: ['4001'] });
    const session = oneSession(dmccRuntime(emulator));
    await session.until('set up', () => session.statuses.length >= 2);
    expect(session.statuses.at(-1)).toEqual({
      status: 'degraded',
      detail: `monitoring 1 station(s) on CM1 through AES tls://127.0.0.1:${emulator.port}; AES refused 4002 (operation: invalidDeviceID)`,
    });
    emulator.push(callEvents('4001', '904', ['DeliveredEvent']));
    await session.until('the offer', () => session.messages.length === 1);
    await session.stop();
  });

  it('fails when no station can be monitored (wrong switch name), and ends the session it started', async () => {
    emulator = await startDmccEmulator();
    const session = oneSession(dmccRuntime(emulator, { aesSwitchName: 'CM9' }));
    const error = (await session.ended) as SessionError;
    expect(error.failed).toBe(true);
    expect(error.message).toMatch(
      /^AES monitors none of aesExtensions on switch CM9: 4001 \(operation: invalidDeviceID\), 4002 \(operation: invalidDeviceID\); check aesSwitchName/,
    );
    expect(emulator.counters.sessionsStopped).toBe(1);
  });

  it('speaks plain TCP when aesTls is false', async () => {
    emulator = await startDmccEmulator({ tls: false });
    expect(emulator.options).not.toHaveProperty('aesCaCert');
    const h = hosted();
    await h.until('connected', () => h.connected);
    emulator.push(callEvents('4001', '905', ['DeliveredEvent']));
    await h.until('the offer', () => h.messages.length === 1);
  });

  it('refuses a server certificate it does not trust', async () => {
    emulator = await startDmccEmulator();
    const { aesCaCert: _ca, ...options } = emulator.options;
    const session = oneSession(
      createRuntime(connector, { options: { ...options, aesExtensions: ['4001'] } }),
    );
    const error = await session.ended;
    expect(error?.message).toBe(
      `could not connect to AES at tls://127.0.0.1:${emulator.port}: DEPTH_ZERO_SELF_SIGNED_CERT`,
    );
  });

  it('checks the certificate names the host unless aesVerifyServerName is false', async () => {
    const certificate = testCertificate(['aes.example.com']);
    emulator = await startDmccEmulator({ certificate });
    const options = { ...emulator.options, aesCaCert: certificate.cert, aesExtensions: ['4001'] };
    const strict = oneSession(createRuntime(connector, { options }));
    expect((await strict.ended)?.message).toBe(
      `could not connect to AES at tls://127.0.0.1:${emulator.port}: ERR_TLS_CERT_ALTNAME_INVALID`,
    );
    const lax = oneSession(createRuntime(connector, { options: { ...options, aesVerifyServerName: false } }));
    await lax.until('connected', () => connected(lax));
    await lax.stop();
  });

  it('takes a burst of events prepared and written in one write, in order', async () => {
    emulator = await startDmccEmulator();
    // A session longer than the burst takes on a loaded machine: an expiry mid-burst is another test's subject.
    const h = hosted({ aesSessionDurationS: 120 });
    await h.until('connected', () => h.connected);
    const n = 2_000;
    const send = emulator.prepare(
      Array.from({ length: n }, (_, i) => ({
        type: 'DeliveredEvent',
        extension: i % 2 ? '4001' : '4002',
        callId: String(10_000 + i),
      })),
    );
    expect(h.messages).toEqual([]);
    expect(send()).toBe(n);
    await h.until(`${n} offers`, () => h.messages.length === n, 20_000);
    expect(h.messages.map((m) => m.props.interactionId)).toEqual(
      Array.from({ length: n }, (_, i) => String(10_000 + i)),
    );
  }, 30_000);
});
