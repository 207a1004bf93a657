// The DMCC session driven directly (issue 17): a scripted AES over loopback TCP answers each request as a test
// says (or not at all), and a recording host context shows what the session said, emitted, remembered (and
// for how long) and scheduled. Covers what the emulator cannot vary: granted durations, refusals on resume,
// strangers' events, agent events, back-pressure, and what is left behind when a session ends.
import { getEventListeners } from 'node:events';
import net from 'node:net';
import {
  createMemoryStateStore,
  createRuntime,
  type SessionError,
  type SessionContext,
  type StateStore,
} from '@openconnect/core';
import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import type { AvayaConfig } from '../src/config.js';
import type { DmccFrame } from '../src/dmcc/events.js';
import { encodeFrame, FrameDecoder } from '../src/dmcc/framing.js';
import { find, type Message, readMessage, text } from '../src/dmcc/responses.js';
import { deadlineRenewedAt, holdDmccSession } from '../src/dmcc/session.js';
import connector from '../src/index.js';

const PV = 'http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv7';
const NOW = 1_700_000_000_000;
const refusal = (name: string, error: string) =>
  `<${name}><errorCode><definedError>${error}</definedError></errorCode></${name}>`;
const cstaError = (value: string) =>
  `<CSTAErrorCode xmlns="${PV}"><operation>${value}</operation></CSTAErrorCode>`;
const event = (name: string, crossRefId: string | undefined, body = '') =>
  `<${name} xmlns="${PV}">${crossRefId === undefined ? '' : `<monitorCrossRefID>${crossRefId}</monitorCrossRefID>`}${body}</${name}>`;

type Answer = (m: Message) => string | undefined;
const extensionOf = (m: Message) =>
  (text(find(m.body, 'deviceObject')) ?? text(find(m.body, 'device')) ?? '').split(':')[0]!;

let server: net.Server | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A bare AES over TCP: answers each request by its name (`answers` override the defaults; undefined: no answer). */
async function scriptedAes(answers: Partial<Record<string, Answer>> = {}) {
  const requests: Message[] = [];
  const defaults: Record<string, Answer> = {
    StartApplicationSession: () =>
      `<StartApplicationSessionPosResponse><sessionID>S1</sessionID><actualProtocolVersion>${PV}</actualProtocolVersion><actualSessionDuration>40</actualSessionDuration></StartApplicationSessionPosResponse>`,
    GetDeviceId: (m) =>
      `<GetDeviceIdResponse><device>${text(m.body.extension)}:CM1::0</device></GetDeviceIdResponse>`,
    MonitorStart: (m) =>
      `<MonitorStartResponse xmlns="${PV}"><monitorCrossRefID>m${extensionOf(m)}</monitorCrossRefID></MonitorStartResponse>`,
    ResetApplicationSessionTimer: () =>
      '<ResetApplicationSessionTimerPosResponse><actualSessionDuration>40</actualSessionDuration></ResetApplicationSessionTimerPosResponse>',
    GetAgentState: (m) =>
      `<GetAgentStateResponse xmlns="${PV}"><agentStateList><agentStateEntry><agentID>agent-${extensionOf(m)}</agentID><loggedOnState>true</loggedOnState></agentStateEntry></agentStateList></GetAgentStateResponse>`,
    MonitorStop: () => `<MonitorStopResponse xmlns="${PV}"/>`,
    StopApplicationSession: () => '<StopApplicationSessionPosResponse/>',
  };
  server = net.createServer((socket) => {
    sockets.push(socket);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) {
        if ('bad' in frame) continue;
        const message = readMessage(frame.xml);
        requests.push(message);
        const answer = (message.name in answers ? answers[message.name] : defaults[message.name])?.(message);
        if (answer !== undefined) socket.write(encodeFrame(frame.invokeId, answer));
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return {
    port: (server!.address() as net.AddressInfo).port,
    requests,
    names: () => requests.map((r) => r.name),
    push: (...xml: string[]) => {
      for (const socket of sockets) socket.write(Buffer.concat(xml.map((x) => encodeFrame('9999', x))));
    },
    drop: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

interface StateOp {
  op: 'set' | 'delete';
  key: string;
  value?: unknown;
  ttl?: number;
}

/** holdDmccSession with a recording host context. */
function hold(
  port: number,
  options: Record<string, unknown> = {},
  extra: { state?: StateStore; emit?: (frame: DmccFrame) => Promise<unknown>; aborted?: boolean } = {},
) {
  const config = createRuntime(connector, {
    options: {
      aesHost: '127.0.0.1',
      aesPort: port,
      aesTls: false,
      aesUser: 'cti',
      aesPassword: 'pw',
      aesSwitchName: 'CM1',
      aesExtensions: ['4001'],
      aesSessionDurationS: 40,
      aesSessionCleanupDelayS: 5,
      aesRequestTimeoutMs: 1_000,
      ...options,
    },
  }).config as AvayaConfig;
  const memory = extra.state ?? createMemoryStateStore();
  const ops: StateOp[] = [];
  const controller = new AbortController();
  const s = {
    key: `aes-dmcc:session:cti@127.0.0.1:${port}`,
    statuses: [] as [string, string | undefined][],
    logs: [] as { level: string; detail: Record<string, unknown>; message: string }[],
    emitted: [] as DmccFrame[],
    renewals: [] as { what: string; at: number; renew: () => Promise<unknown> }[],
    ops,
    signal: controller.signal,
    controller,
    ended: undefined as unknown as Promise<Error | undefined>,
    async until(what: string, check: () => boolean, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; statuses ${JSON.stringify(s.statuses)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    stop() {
      controller.abort();
      return s.ended;
    },
  };
  const log = (level: string) => (detail: Record<string, unknown>, message: string) =>
    s.logs.push({ level, detail, message });
  const state: StateStore = {
    get: (key) => memory.get(key),
    set: async (key, value, ttl) => {
      ops.push({ op: 'set', key, value, ttl });
      return memory.set(key, value, ttl);
    },
    delete: async (key) => {
      ops.push({ op: 'delete', key });
      return memory.delete(key);
    },
  } as StateStore;
  const ctx = {
    config,
    services: undefined,
    directory: {},
    state,
    http: axios.create(),
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    now: () => NOW,
    signal: controller.signal,
    webhookUrl: () => 'http://127.0.0.1/webhook',
    status: (status: string, detail?: string) => s.statuses.push([status, detail]),
    emit: (frame: DmccFrame) => {
      s.emitted.push(frame);
      return (extra.emit?.(frame) ?? Promise.resolve()) as Promise<never>;
    },
    badFrame: () => {},
    renewBefore: (what: string, at: number, renew: () => Promise<unknown>) =>
      s.renewals.push({ what, at, renew }),
    sleep: async () => {},
  } as unknown as SessionContext<AvayaConfig, unknown, DmccFrame>;
  if (extra.aborted) controller.abort();
  s.ended = holdDmccSession(ctx).then(
    () => undefined,
    (error: Error) => error,
  );
  return s;
}
type Held = ReturnType<typeof hold>;
const connected = (s: Held) => s.statuses.some(([status]) => status === 'connected' || status === 'degraded');

describe('the DMCC session: starting and stopping', () => {
  it('does nothing at all when it is stopped before it starts', async () => {
    const aes = await scriptedAes();
    let connections = 0;
    server!.on('connection', () => connections++);
    const s = hold(aes.port, {}, { aborted: true });
    expect(await s.ended).toBeUndefined();
    await new Promise((r) => setTimeout(r, 30));
    expect([connections, s.statuses]).toEqual([0, []]);
  });

  it('says where it connects and as whom, then that it monitors', async () => {
    const aes = await scriptedAes();
    const s = hold(aes.port);
    await s.until('connected', () => connected(s));
    expect(s.statuses).toEqual([
      ['connecting', `connecting to AES at tcp://127.0.0.1:${aes.port} as cti`],
      ['connected', `monitoring 1 station(s) on CM1 through AES tcp://127.0.0.1:${aes.port}`],
    ]);
    expect(await s.stop()).toBeUndefined();
    expect(aes.names()).toEqual([
      'StartApplicationSession',
      'GetDeviceId',
      'MonitorStart',
      'MonitorStop',
      'StopApplicationSession',
    ]);
    expect(getEventListeners(s.signal, 'abort')).toHaveLength(0);
  });

  it('returns quietly when stopped while connecting (a TLS handshake AES never answers)', async () => {
    const aes = await scriptedAes();
    const s = hold(aes.port, { aesTls: true });
    await s.until('connecting', () => s.statuses.length === 1 && sockets.length === 1);
    expect(await s.stop()).toBeUndefined();
    expect(getEventListeners(s.signal, 'abort')).toHaveLength(0);
  });

  it('asks AES nothing once stopped, even when stopped while it reads the remembered session', async () => {
    const aes = await scriptedAes();
    const memory = createMemoryStateStore();
    let s: Held | undefined;
    const state = {
      ...memory,
      get: async (key: string) => {
        s!.controller.abort();
        return memory.get(key);
      },
      set: memory.set.bind(memory),
      delete: memory.delete.bind(memory),
    } as StateStore;
    s = hold(aes.port, {}, { state });
    expect(await s.ended).toBeUndefined();
    expect(aes.names()).toEqual([]);
  });

  it('a session that ends by itself leaves no listener on the host signal', async () => {
    const aes = await scriptedAes();
    const s = hold(aes.port);
    await s.until('connected', () => connected(s));
    aes.drop();
    expect((await s.ended)?.message).toBe(
      `the connection to AES at tcp://127.0.0.1:${aes.port} ended (AES closed the connection); the next connection resumes the session within 5 s`,
    );
    expect(getEventListeners(s.signal, 'abort')).toHaveLength(0);
  });

  it('names every station AES refuses in the degraded status', async () => {
    const aes = await scriptedAes({
      GetDeviceId: (m) =>
        text(m.body.extension) === '4001'
          ? `<GetDeviceIdResponse><device>4001:CM1::0</device></GetDeviceIdResponse>`
          : cstaError('invalidDeviceID'),
    });
    const s = hold(aes.port, { aesExtensions: ['4001', '4002', '4003'] });
    await s.until('set up', () => connected(s));
    expect(s.statuses.at(-1)).toEqual([
      'degraded',
      `monitoring 1 station(s) on CM1 through AES tcp://127.0.0.1:${aes.port}; AES refused 4002 (operation: invalidDeviceID), 4003 (operation: invalidDeviceID)`,
    ]);
    await s.stop();
  });

  it('when no station can be monitored, stops the session and forgets it for good', async () => {
    const aes = await scriptedAes({ GetDeviceId: () => cstaError('invalidDeviceID') });
    const s = hold(aes.port);
    const error = (await s.ended) as SessionError;
    expect(error.failed).toBe(true);
    expect(aes.names()).toEqual(['StartApplicationSession', 'GetDeviceId', 'StopApplicationSession']);
    expect(s.ops.map((o) => o.op)).toEqual(['delete']);
  });

  it('a request that times out during set-up ends the session without stopping it at AES, remembered for the cleanup delay', async () => {
    const aes = await scriptedAes({ GetDeviceId: () => undefined });
    const s = hold(aes.port, { aesRequestTimeoutMs: 100 });
    expect((await s.ended)?.message).toBe('AES did not answer GetDeviceId for 4001 within 100 ms');
    expect(aes.names()).toEqual(['StartApplicationSession', 'GetDeviceId']);
    expect(s.ops).toEqual([
      { op: 'set', key: s.key, value: { sessionId: 'S1', protocol: PV, monitors: [] }, ttl: 5_000 },
    ]);
  });

  it('a StartApplicationSession AES never answers ends the session naming it, with nothing to remember', async () => {
    const aes = await scriptedAes({ StartApplicationSession: () => undefined });
    const s = hold(aes.port, { aesRequestTimeoutMs: 100 });
    expect((await s.ended)?.message).toBe('AES did not answer StartApplicationSession within 100 ms');
    expect(s.ops).toEqual([]);
  });
});

describe('the DMCC session: remembering and resuming', () => {
  const remembered = {
    sessionId: 'S1',
    protocol: PV,
    monitors: [{ extension: '4001', deviceId: '4001:CM1::0', crossRefId: 'm4001' }],
  };
  const stateWith = async (key: string, value: unknown = remembered) => {
    const state = createMemoryStateStore();
    await state.set(key, value, 60_000);
    return state;
  };
  const keyFor = (port: number) => `aes-dmcc:session:cti@127.0.0.1:${port}`;
  const resumed = (m: Message) => text(find(m.body, 'sessionID'));

  it('remembers the session for its duration and the cleanup delay, and schedules the reset at half the duration', async () => {
    const aes = await scriptedAes();
    const s = hold(aes.port);
    await s.until('connected', () => connected(s));
    expect(s.ops).toEqual([{ op: 'set', key: s.key, value: remembered, ttl: 45_000 }]);
    expect(s.renewals.map((r) => [r.what, r.at])).toEqual([
      ['DMCC application session', deadlineRenewedAt(NOW, NOW + 20_000)],
    ]);
    await s.stop();
  });

  it('takes the protocol and duration it asked for when AES grants none', async () => {
    const aes = await scriptedAes({
      StartApplicationSession: () =>
        '<StartApplicationSessionPosResponse><sessionID>S1</sessionID></StartApplicationSessionPosResponse>',
    });
    const s = hold(aes.port, { aesSessionDurationS: 30 });
    await s.until('connected', () => connected(s));
    expect(s.ops).toEqual([{ op: 'set', key: s.key, value: remembered, ttl: 35_000 }]);
    await s.stop();
  });

  it('a reset takes the duration AES grants, and keeps the last one when AES grants none that makes sense', async () => {
    let granted = '60';
    const aes = await scriptedAes({
      ResetApplicationSessionTimer: () =>
        `<ResetApplicationSessionTimerPosResponse><actualSessionDuration>${granted}</actualSessionDuration></ResetApplicationSessionTimerPosResponse>`,
    });
    const s = hold(aes.port);
    await s.until('connected', () => connected(s));
    const renew = s.renewals[0]!.renew;
    expect(await renew()).toBe(deadlineRenewedAt(NOW, NOW + 30_000));
    expect(s.ops.at(-1)).toEqual({ op: 'set', key: s.key, value: remembered, ttl: 65_000 });
    for (granted of ['soon', '0', '-5', '']) {
      expect(await renew()).toBe(deadlineRenewedAt(NOW, NOW + 30_000));
      expect(s.ops.at(-1)!.ttl).toBe(65_000);
    }
    await s.stop();
  });

  it('a refused reset ends the session for good: forgotten, nothing stopped, saying AES refused it', async () => {
    const aes = await scriptedAes({
      ResetApplicationSessionTimer: () =>
        refusal('ResetApplicationSessionTimerNegResponse', 'invalidSessionID'),
    });
    const s = hold(aes.port);
    await s.until('connected', () => connected(s));
    await expect(s.renewals[0]!.renew()).rejects.toThrow('AES refused ResetApplicationSessionTimer');
    expect((await s.ended)?.message).toBe(
      'AES refused to reset the session timer (definedError: invalidSessionID): the session has ended',
    );
    expect(s.ops.slice(1).map((o) => o.op)).toEqual(['delete', 'delete']);
    expect(aes.names()).not.toContain('StopApplicationSession');
  });

  it('a reset AES does not answer ends the connection, the session remembered for the cleanup delay', async () => {
    const aes = await scriptedAes({ ResetApplicationSessionTimer: () => undefined });
    const s = hold(aes.port, { aesRequestTimeoutMs: 100 });
    await s.until('connected', () => connected(s));
    await expect(s.renewals[0]!.renew()).rejects.toThrow(
      'AES did not answer ResetApplicationSessionTimer within 100 ms',
    );
    expect((await s.ended)?.message).toBe(
      `the connection to AES at tcp://127.0.0.1:${aes.port} ended (closed by the session); the next connection resumes the session within 5 s`,
    );
    expect(s.ops.slice(1).map((o) => [o.op, o.ttl])).toEqual([
      ['set', 5_000],
      ['set', 5_000],
    ]);
  });

  it('resumes the remembered session with its monitors, saying so', async () => {
    const aes = await scriptedAes();
    const state = await stateWith(keyFor(aes.port));
    const s = hold(aes.port, {}, { state });
    await s.until('connected', () => connected(s));
    expect(aes.names()).toEqual(['StartApplicationSession']);
    expect(resumed(aes.requests[0]!)).toBe('S1');
    expect(s.logs).toContainEqual({
      level: 'info',
      detail: { sessionId: 'S1', monitors: 1 },
      message: 'resumed the DMCC session with its monitors',
    });
    await s.stop();
  });

  it('starts a new session when AES refuses the resume, saying so', async () => {
    const aes = await scriptedAes({
      StartApplicationSession: (m) =>
        resumed(m)
          ? refusal('StartApplicationSessionNegResponse', 'invalidSessionID')
          : '<StartApplicationSessionPosResponse><sessionID>S2</sessionID><actualSessionDuration>40</actualSessionDuration></StartApplicationSessionPosResponse>',
    });
    const state = await stateWith(keyFor(aes.port));
    const s = hold(aes.port, {}, { state });
    await s.until('connected', () => connected(s));
    expect(aes.names()).toEqual([
      'StartApplicationSession',
      'StartApplicationSession',
      'GetDeviceId',
      'MonitorStart',
    ]);
    expect(s.logs).toContainEqual({
      level: 'info',
      detail: { sessionId: 'S1', refusal: 'definedError: invalidSessionID' },
      message: 'AES no longer has the last DMCC session; starting a new one',
    });
    await s.stop();
  });

  it('fails for good when AES refuses the resume and then the new session', async () => {
    const aes = await scriptedAes({
      StartApplicationSession: () => refusal('StartApplicationSessionNegResponse', 'invalidApplicationInfo'),
    });
    const s = hold(aes.port, {}, { state: await stateWith(keyFor(aes.port)) });
    const error = (await s.ended) as SessionError;
    expect(error.failed).toBe(true);
    expect(error.message).toMatch(
      /^AES refused the DMCC application session for user cti \(definedError: invalidApplicationInfo\): check aesUser/,
    );
    expect(aes.names()).toEqual(['StartApplicationSession', 'StartApplicationSession']);
  });

  it('a resume AES does not answer ends the session naming the resume, without trying a new one', async () => {
    const aes = await scriptedAes({ StartApplicationSession: () => undefined });
    const s = hold(aes.port, { aesRequestTimeoutMs: 100 }, { state: await stateWith(keyFor(aes.port)) });
    expect((await s.ended)?.message).toBe(
      'AES did not answer StartApplicationSession (resuming the last session) within 100 ms',
    );
    expect(aes.names()).toEqual(['StartApplicationSession']);
  });

  it('without a cleanup delay never tries to resume, whatever the state holds', async () => {
    const aes = await scriptedAes();
    const s = hold(aes.port, { aesSessionCleanupDelayS: 0 }, { state: await stateWith(keyFor(aes.port)) });
    await s.until('connected', () => connected(s));
    expect(resumed(aes.requests[0]!)).toBeUndefined();
    await s.stop();
  });

  it('forgets the session on a clean stop', async () => {
    const aes = await scriptedAes();
    const state = createMemoryStateStore();
    const s = hold(aes.port, {}, { state });
    await s.until('connected', () => connected(s));
    await s.stop();
    expect(await state.get(s.key)).toBeUndefined();
  });
});

describe('the DMCC session: events', () => {
  it('skips events for a monitor it does not hold, warning once for each, and goes on', async () => {
    const aes = await scriptedAes();
    const s = hold(aes.port);
    await s.until('connected', () => connected(s));
    aes.push(
      event('DeliveredEvent', 'm9'),
      event('HeldEvent', 'm9'),
      event('DeliveredEvent', undefined),
      event('HeldEvent', undefined),
      event('HeldEvent', 'm4001'),
    );
    await s.until('the event', () => s.emitted.length === 1);
    expect(s.emitted.map((f) => f.monitoredDevice)).toEqual(['4001']);
    expect(s.logs.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        detail: { event: 'DeliveredEvent', monitorCrossRefID: 'm9' },
        message: 'events for a monitor this session does not hold are skipped',
      },
      {
        level: 'warn',
        detail: { event: 'DeliveredEvent', monitorCrossRefID: undefined },
        message: 'events for a monitor this session does not hold are skipped',
      },
    ]);
    await s.stop();
  });

  it('asking GetAgentState: only AgentLoggedOnEvent with an agent and AgentLoggedOffEvent change the agent named', async () => {
    const aes = await scriptedAes();
    const s = hold(aes.port, { aesAgentLogin: 'GetAgentState', aesAgentStatePollMs: 3_600_000 });
    await s.until('connected', () => connected(s));
    const call = event('DeliveredEvent', 'm4001', '<connection><callID>1</callID></connection>');
    aes.push(
      event('AgentReadyEvent', 'm4001', '<agentID>other</agentID>'),
      call,
      event('AgentLoggedOnEvent', 'm4001'),
      call,
      event('AgentLoggedOffEvent', 'm4001'),
      call,
      event('AgentLoggedOnEvent', 'm4001', '<agentID>a2</agentID>'),
      call,
    );
    await s.until('eight events', () => s.emitted.length === 8);
    expect(s.emitted.map((f) => f.agentId)).toEqual([
      'agent-4001',
      'agent-4001',
      'agent-4001',
      'agent-4001',
      'agent-4001',
      undefined,
      undefined,
      'a2',
    ]);
    await s.stop();
  });

  it('a lost connection while polling agents ends the session as a lost connection, not a stopped request', async () => {
    const aes = await scriptedAes();
    const s = hold(aes.port, { aesAgentLogin: 'GetAgentState', aesAgentStatePollMs: 3_600_000 });
    await s.until('connected', () => connected(s));
    aes.drop();
    expect((await s.ended)?.message).toBe(
      `the connection to AES at tcp://127.0.0.1:${aes.port} ended (AES closed the connection); the next connection resumes the session within 5 s`,
    );
    expect(s.ops.at(-1)).toMatchObject({ op: 'set', ttl: 5_000 });
  });

  it('never piles up abort listeners: many stations set up and polled at once raise no leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const aes = await scriptedAes();
      const s = hold(aes.port, {
        aesAgentLogin: 'GetAgentState',
        aesAgentStatePollMs: 3_600_000,
        aesExtensions: ['4001', '4002', '4003', '4004', '4005'],
      });
      await s.until('connected', () => connected(s));
      await new Promise((r) => setTimeout(r, 20));
      await s.stop();
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
  });

  it('stops reading while 256 events wait for the store, and reads again once 64 are left', async () => {
    const aes = await scriptedAes();
    const waiting: (() => void)[] = [];
    const s = hold(aes.port, {}, { emit: () => new Promise<void>((resolve) => waiting.push(resolve)) });
    await s.until('connected', () => connected(s));
    const held = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        event('HeldEvent', 'm4001', `<heldConnection><callID>${i}</callID></heldConnection>`),
      );
    aes.push(...held(256));
    await s.until('256 events', () => s.emitted.length === 256);
    aes.push(...held(10));
    await new Promise((r) => setTimeout(r, 80));
    expect(s.emitted).toHaveLength(256);
    for (const resolve of waiting.splice(0, 100)) resolve();
    await new Promise((r) => setTimeout(r, 80));
    expect(s.emitted).toHaveLength(256);
    for (const resolve of waiting.splice(0, 92)) resolve();
    await s.until('the ten read after', () => s.emitted.length === 266);
    for (const resolve of waiting.splice(0)) resolve();
    await s.stop();
  });
});
