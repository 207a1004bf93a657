// What a test or a benchmark does to the emulated Workspace API: calls and agent states published as the
// Workspace API publishes them, and the faults (session expiry by cookie or by advice, advice none, drops,
// injected statuses, duplicates, malformed messages, a stall).
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { Socket } from 'node:net';
import type { Bayeux } from './workspace-bayeux.js';
import type { WorkspaceStore } from './workspace-store.js';
import type { CallState, EmulatedCall, WorkspaceCall, WorkspaceControls } from './workspace-types.js';

export interface FaultState {
  failures: { remaining: number; status: number; path: string };
  stalled: boolean;
  held: Set<http.ServerResponse>;
  sockets: Set<Socket>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The server's own /meta/disconnect, on the session's held connect (as the CometD server sends when it
 * disconnects a session). cometd-nodejs-server's ServerSession.disconnect() removes the session before it
 * delivers that message, so it never leaves: this delivers it, and the client disconnects.
 */
function disconnect(bayeux: object | undefined): void {
  const deliver = (bayeux as { _deliver?: unknown } | undefined)?._deliver as
    | ((sender: unknown, message: object) => void)
    | undefined;
  deliver?.call(bayeux, bayeux, { channel: '/meta/disconnect', successful: true });
}

export function createControls(store: WorkspaceStore, bayeux: Bayeux, faults: FaultState): WorkspaceControls {
  const account = (username: string) => {
    const found = store.accounts.get(username);
    if (!found) throw new Error(`the emulator has no account ${username}`);
    return found;
  };
  const publishCall = (username: string, call: WorkspaceCall, notificationType = 'StateChange') =>
    bayeux.voice(username, {
      messageType: 'CallStateChanged',
      notificationType,
      call: structuredClone(call),
    });

  function ring(username: string, overrides: Partial<WorkspaceCall> = {}): EmulatedCall {
    const { dn } = account(username);
    const id = overrides.id ?? randomBytes(8).toString('hex');
    const ani = overrides.ani ?? '3175550142';
    const call: WorkspaceCall = {
      id,
      connId: id,
      callUuid: randomBytes(13).toString('hex').toUpperCase(),
      callType: 'Inbound',
      state: 'Ringing',
      phoneNumber: ani,
      ani,
      dnis: dn,
      participants: [{ number: ani, role: 'RoleOrigination' }],
      userData: [{ key: 'AccountNumber', type: 'str', value: 'ACME-40211' }],
      capabilities: ['answer', 'release'],
      ...overrides,
    };
    const calls = store.calls.get(username)!;
    calls.set(id, call);
    publishCall(username, call);
    return {
      id,
      call,
      set(state: CallState, notificationType?: string) {
        call.state = state;
        if (state === 'Completed') calls.delete(id);
        publishCall(username, call, notificationType);
      },
    };
  }

  return {
    publish: (username, channel, data) => {
      if (channel === '/workspace/v3/voice') bayeux.voice(username, data);
      else bayeux.deliver(store.current.get(username), channel, data);
    },
    ring,
    async lifecycle(username, options = {}) {
      const gap = options.gapMs ?? 30;
      const call = ring(username, options.call);
      for (const state of ['Established', 'Released', 'Completed'] as const) {
        await sleep(gap);
        call.set(state);
      }
      return call;
    },
    agentState(username, agentState, agentWorkMode = 'Unknown') {
      const dn = store.dnOf(username);
      Object.assign(dn, { agentState, agentWorkMode, timestamp: Date.now() });
      bayeux.voice(username, { messageType: 'DnStateChanged', dn: { ...dn } });
    },
    repeatLast(username) {
      if (bayeux.lastVoice.has(username)) bayeux.voice(username, bayeux.lastVoice.get(username));
    },
    sendMalformed(username, kind = 'shape') {
      const session = store.current.get(username);
      const data =
        kind === 'text'
          ? '<html>502 Bad Gateway</html>'
          : { messageType: 'CallStateChanged', notificationType: 'StateChange' };
      bayeux.deliver(session, '/workspace/v3/voice', data);
    },
    expire(fault, username) {
      for (const session of [...store.sessions.values()]) {
        if (username !== undefined && session.account.username !== username) continue;
        if (fault === 'cookie') store.end(session);
        else if (fault === 'disconnect') disconnect(session.bayeux);
        else session.fault = fault;
      }
    },
    drop() {
      for (const session of [...store.sessions.values()]) store.end(session);
      for (const res of faults.held) res.destroy();
      faults.held.clear();
      for (const socket of faults.sockets) socket.destroy();
    },
    failNext(count, status, path = '') {
      faults.failures = { remaining: count, status, path };
    },
    stall(on) {
      faults.stalled = on;
      if (!on) {
        for (const res of faults.held) res.destroy();
        faults.held.clear();
      }
    },
  };
}
