// The emulated AES refuses what AES refuses, so a wrong client fails against it: spoken to here with the
// client's bare connection (frames and invoke ids, no session logic).
import { sleep } from '@openconnect/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type DmccConnection, openConnection, type RefusedError } from '../src/dmcc/connection.js';
import * as request from '../src/dmcc/requests.js';
import { text } from '../src/dmcc/responses.js';
import { DMCC_EMULATOR_DEFAULTS, type DmccEmulator, startDmccEmulator } from '../src/emulators/dmcc.js';

const PROTOCOL = 'http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv7';
let emulator: DmccEmulator;
let conn: DmccConnection | undefined;
const events: string[] = [];
afterEach(async () => {
  conn?.close();
  conn = undefined;
  events.length = 0;
  await emulator.close();
});

async function connect() {
  conn = await openConnection({
    host: emulator.host,
    port: emulator.port,
    tls: emulator.tls,
    ...(emulator.ca ? { ca: emulator.ca } : {}),
    verifyServerName: true,
    requestTimeoutMs: 1_000,
    signal: new AbortController().signal,
    onUnsolicited: (frame) => events.push(frame.xml),
    onBadFrame: () => {},
  });
  return conn;
}
const start = (
  c: DmccConnection,
  options: { password?: string; durationS?: number; cleanupDelayS?: number; sessionId?: string } = {},
) =>
  c.request(
    'StartApplicationSession',
    request.startApplicationSession({
      applicationId: 'test',
      userName: DMCC_EMULATOR_DEFAULTS.user,
      password: options.password ?? DMCC_EMULATOR_DEFAULTS.password,
      protocolVersion: PROTOCOL,
      durationS: options.durationS ?? 60,
      cleanupDelayS: options.cleanupDelayS ?? 0,
      ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    }),
  );
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: RefusedError) => error.refusal,
  );

describe('the DMCC emulator', () => {
  it('refuses every request but StartApplicationSession until a session is started', async () => {
    emulator = await startDmccEmulator({ tls: false });
    const c = await connect();
    expect(await refusal(c.request('GetDeviceId', request.getDeviceId('CM1', '4001')))).toBe(
      'operation: invalidCstaApplicationCorrelator',
    );
    expect(await refusal(start(c, { password: 'wrong' }))).toBe('definedError: invalidApplicationInfo');
    expect(emulator.counters.loginsRefused).toBe(1);
  });

  it('answers each request with its own invoke id, even when several are in flight', async () => {
    emulator = await startDmccEmulator({ tls: false });
    const c = await connect();
    await start(c);
    const answers = await Promise.all(
      ['4001', '4002', '4003'].map((e) => c.request(`GetDeviceId ${e}`, request.getDeviceId('CM1', e))),
    );
    expect(answers.map((a) => text(a.body.device))).toEqual(['4001:CM1::0', '4002:CM1::0', '4003:CM1::0']);
  });

  it('refuses another switch, a station not administered, and a monitor on a device it did not give', async () => {
    emulator = await startDmccEmulator({ tls: false, stations: ['4001'] });
    const c = await connect();
    await start(c);
    expect(await refusal(c.request('GetDeviceId', request.getDeviceId('CM9', '4001')))).toBe(
      'operation: invalidDeviceID',
    );
    expect(await refusal(c.request('GetDeviceId', request.getDeviceId('CM1', '4002')))).toBe(
      'operation: invalidDeviceID',
    );
    expect(await refusal(c.request('MonitorStart', request.monitorStart(PROTOCOL, '4001:CM1::0')))).toBe(
      'operation: invalidDeviceID',
    );
    expect(await refusal(c.request('MonitorStop', request.monitorStop(PROTOCOL, '77')))).toBe(
      'operation: invalidMonitorCrossRefID',
    );
  });

  it('expires a session nobody resets, with its monitors, and tells the client', async () => {
    emulator = await startDmccEmulator({ tls: false });
    const c = await connect();
    const sessionId = text((await start(c, { durationS: 1 })).body.sessionID)!;
    await c.request('GetDeviceId', request.getDeviceId('CM1', '4001'));
    await c.request('MonitorStart', request.monitorStart(PROTOCOL, '4001:CM1::0'));
    await sleep(1_200);
    expect([emulator.counters.expirations, emulator.sessions().length]).toEqual([1, 0]);
    expect(events[0]).toContain('<StopApplicationSession');
    expect(await refusal(c.request('Reset', request.resetApplicationSessionTimer(sessionId, 60)))).toBe(
      'definedError: invalidSessionID',
    );
    expect(emulator.push({ type: 'DeliveredEvent', extension: '4001', callId: '1' })).toBe(0);
  });

  it('keeps a dropped session for its cleanup delay, for a resume by sessionID, then forgets it', async () => {
    emulator = await startDmccEmulator({ tls: false });
    const first = await connect();
    const sessionId = text((await start(first, { cleanupDelayS: 1 })).body.sessionID)!;
    first.close();
    await sleep(100);
    const second = await connect();
    expect(text((await start(second, { sessionId, cleanupDelayS: 1 })).body.sessionID)).toBe(sessionId);
    second.close();
    await sleep(1_200);
    expect(emulator.counters.cleanups).toBe(1);
    const third = await connect();
    expect(await refusal(start(third, { sessionId }))).toBe('definedError: invalidApplicationInfo');
    expect(emulator.counters.sessionsResumed).toBe(1);
  });
});
