// What a test does to the emulated ICWS server: calls in its queues (a scripted A → C → E → removed among
// them), recorded messages, and the faults a real server shows.
import type { Socket } from 'node:net';
import type { Attributes } from './icws-queues.js';
import type { SessionStore } from './icws-sessions.js';
import type { IcwsCall, IcwsControls, IcwsEmulatorOptions } from './icws-types.js';

const CONNECTION_STATE_CHANGE = 'urn:inin.com:connection:connectionStateChangeMessage';

/** What the HTTP side reads on each request. */
export interface FaultState {
  unavailableHosts?: string[] | undefined;
  failures: { remaining: number; status: number; path: string };
  /** Requests held unanswered by a stall. */
  held: Set<{ destroy(): void }>;
  sockets: Set<Socket>;
}

export function createControls(
  store: SessionStore,
  faults: FaultState,
  options: IcwsEmulatorOptions,
): IcwsControls {
  const controls: IcwsControls = {
    call(id, attributes) {
      store.changed(id, undefined, { ...attributes });
      const call: IcwsCall = {
        id,
        get attributes() {
          return store.interactions.get(id) ?? {};
        },
        state: (value, more = {}) => call.update({ ...more, Eic_State: value }),
        update(changes) {
          const before = store.interactions.get(id);
          store.changed(id, before, { ...before, ...changes });
        },
        remove: () => store.changed(id, store.interactions.get(id), undefined),
      };
      return call;
    },

    async lifecycle({ id, user, workgroup, numeric = false, gapMs = 30, attributes = {} }) {
      const pause = () => new Promise((resolve) => setTimeout(resolve, gapMs));
      const base: Attributes = {
        Eic_CallId: id,
        Eic_State: numeric ? 1 : 'A',
        Eic_CallStateString: 'Alerting',
        Eic_RemoteAddress: '+13175550142',
        Eic_RemoteName: 'ACME CORP',
        Eic_LocalAddress: '8005550199',
        Eic_CallDirection: 'I',
        Eic_ObjectType: 'Call',
      };
      const call = controls.call(id, {
        ...base,
        ...(user ? { Eic_UserName: user } : {}),
        ...(workgroup ? { Eic_WorkgroupName: workgroup } : {}),
        ...attributes,
      });
      await pause();
      call.state(numeric ? 2 : 'C', { Eic_CallStateString: 'Connected' });
      await pause();
      call.state(numeric ? 10 : 'E', { Eic_CallStateString: 'Disconnected [Remote Disconnect]' });
      await pause();
      call.remove();
      return call;
    },

    send(message, route = {}) {
      for (const session of store.sessions.values()) {
        const subscriptions = [...session.subscriptions.values()];
        const target =
          (route.userQueue &&
            subscriptions.find((s) =>
              s.queueIds.some((q) => q.queueType === 1 && q.queueName === route.userQueue),
            )) ||
          subscriptions.find((s) => s.id === message.subscriptionId) ||
          subscriptions.find((s) => s.queueIds.every((q) => q.queueType === 2));
        store.push(session, { message: target ? { ...message, subscriptionId: target.id } : { ...message } });
      }
    },

    repeatLast() {
      for (const session of store.sessions.values())
        if (session.last) store.push(session, { message: session.last });
    },

    sendMalformed(kind = 'text') {
      for (const session of store.sessions.values())
        store.push(
          session,
          kind === 'text'
            ? { raw: '{"__type":"urn:inin.com:queues:queueContentsMessage","subscriptionId":' }
            : { message: { subscriptionId: 'openconnect-workgroups', interactionsAdded: [] } },
        );
    },

    connectionDown(reason = 'The server is shutting down.') {
      const state = (word: 'up' | 'down') =>
        options.connectionState === 'number' ? (word === 'up' ? 1 : 2) : word;
      for (const session of store.sessions.values())
        store.push(session, {
          message: {
            __type: CONNECTION_STATE_CHANGE,
            previousConnectionState: state('up'),
            newConnectionState: state('down'),
            reason,
            shouldReconnect: true,
          },
          endsSession: true,
        });
    },

    expireSessions() {
      for (const session of [...store.sessions.values()]) store.end(session);
    },

    drop() {
      for (const session of [...store.sessions.values()]) store.end(session, true);
      for (const socket of faults.sockets) socket.destroy();
    },

    unavailable(alternateHostList) {
      faults.unavailableHosts = alternateHostList;
    },

    failNext(count, status, path = '') {
      faults.failures = { remaining: count, status, path };
    },

    stall(on) {
      store.stalled = on;
      if (on) return;
      for (const res of faults.held) res.destroy();
      faults.held.clear();
      for (const session of store.sessions.values()) store.flush(session);
    },
  };
  return controls;
}
