// How a DMCC session ends and what it says, against the emulated AES: AES ending the session itself (with or
// without a reason), a lost connection (resumable within the cleanup delay, or not), unsolicited messages
// that are no events, and a state store that cannot remember the session.
import { createMemoryStateStore, type StateStore } from '@openconnect/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type DmccEmulator, startDmccEmulator } from '../src/emulators/dmcc.js';
import { callEvents, connected, dmccRuntime, oneSession } from './dmcc-helpers.js';

const SESSION_NS = 'http://www.ecma-international.org/standards/ecma-354/appl_session';
let emulator: DmccEmulator;
afterEach(async () => {
  await emulator?.close();
});

describe('aes-dmcc: how a session ends', () => {
  it.each([
    ['<sessionEndReason><definedEndReason>normal</definedEndReason></sessionEndReason>', 'normal'],
    ['<sessionEndReason><appEndReason>maintenance</appEndReason></sessionEndReason>', 'maintenance'],
    ['', 'no reason given'],
  ])('AES ending the session (%s) ends it, naming the reason: %s', async (reason, said) => {
    emulator = await startDmccEmulator();
    const session = oneSession(dmccRuntime(emulator, { aesExtensions: ['4001'] }));
    await session.until('connected', () => connected(session));
    emulator.pushXml(
      '4001',
      `<StopApplicationSession xmlns="${SESSION_NS}"><sessionID>x</sessionID>${reason}</StopApplicationSession>`,
    );
    expect((await session.ended)?.message).toBe(`AES ended the application session (${said})`);
    // AES ended it: nothing is stopped by the client, and nothing is kept for a resume.
    expect([emulator.counters.monitorsStopped, emulator.counters.sessionsStopped]).toEqual([0, 0]);
  });

  it('skips an unsolicited message that is no event, saying so at debug, and goes on', async () => {
    emulator = await startDmccEmulator();
    const session = oneSession(dmccRuntime(emulator, { aesExtensions: ['4001'] }));
    await session.until('connected', () => connected(session));
    emulator.pushXml('4001', '<SystemStatus><systemStatus>normal</systemStatus></SystemStatus>');
    await session.until('the debug line', () => session.logs.some((l) => l.level === 'debug'));
    expect(session.logs.filter((l) => l.level === 'debug')).toEqual([
      {
        level: 'debug',
        detail: { message: 'SystemStatus' },
        message: 'an unsolicited DMCC message that is not an event was skipped',
      },
    ]);
    emulator.push(callEvents('4001', '1101', ['DeliveredEvent']));
    await session.until('the offer', () => session.messages.length === 1);
    await session.stop();
  });

  it('a lost connection ends the session naming where it was, and that the next connection resumes it', async () => {
    emulator = await startDmccEmulator();
    const state = createMemoryStateStore();
    const session = oneSession(
      dmccRuntime(emulator, { aesExtensions: ['4001'], aesSessionCleanupDelayS: 7 }, state),
    );
    await session.until('connected', () => connected(session));
    emulator.controls.drop();
    expect((await session.ended)?.message).toBe(
      `the connection to AES at tls://127.0.0.1:${emulator.port} ended (AES closed the connection); the next connection resumes the session within 7 s`,
    );
    const next = oneSession(
      dmccRuntime(emulator, { aesExtensions: ['4001'], aesSessionCleanupDelayS: 7 }, state),
    );
    await next.until('connected', () => connected(next));
    expect([
      emulator.counters.sessionsStarted,
      emulator.counters.sessionsResumed,
      emulator.counters.monitorsStarted,
    ]).toEqual([1, 1, 1]);
    expect(next.logs.map((l) => l.message)).toContain('resumed the DMCC session with its monitors');
    await next.stop();
  });

  it('without a cleanup delay nothing is resumed, and the end does not promise it', async () => {
    emulator = await startDmccEmulator({ tls: false });
    const state = createMemoryStateStore();
    const session = oneSession(
      dmccRuntime(emulator, { aesExtensions: ['4001'], aesSessionCleanupDelayS: 0 }, state),
    );
    await session.until('connected', () => connected(session));
    emulator.controls.drop();
    expect((await session.ended)?.message).toBe(
      `the connection to AES at tcp://127.0.0.1:${emulator.port} ended (AES closed the connection)`,
    );
    const next = oneSession(
      dmccRuntime(emulator, { aesExtensions: ['4001'], aesSessionCleanupDelayS: 0 }, state),
    );
    await next.until('connected', () => connected(next));
    expect([emulator.counters.sessionsStarted, emulator.counters.sessionsResumed]).toEqual([2, 0]);
    await next.stop();
  });

  it('goes on when the state store cannot remember the session, warning that a resume will not be possible', async () => {
    emulator = await startDmccEmulator();
    const memory = createMemoryStateStore();
    const failing: StateStore = {
      get: (key) => memory.get(key),
      delete: (key) => memory.delete(key),
      set: async () => {
        throw new Error('the state store is read-only');
      },
    };
    const session = oneSession(dmccRuntime(emulator, { aesExtensions: ['4001'] }, failing));
    await session.until('connected', () => connected(session));
    expect(session.logs.filter((l) => l.level === 'warn')).toContainEqual({
      level: 'warn',
      detail: { err: 'the state store is read-only' },
      message: 'could not remember the DMCC session for a resume',
    });
    await session.stop();
  });
});
