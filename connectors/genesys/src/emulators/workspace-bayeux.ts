// The emulator's CometD side, on cometd-nodejs-server (long polling, with `advice` on every connect): a
// handshake belongs to the Workspace session its cookie names; subscribing to /workspace/v3/initialization
// starts the initialization sequence (Executing, then Complete with data.user, as the agent-api-simulator
// sends it); messages reach a session only on channels it subscribed to. Session faults answer the next
// /meta/connect: 402::session_unknown with advice handshake, or advice.reconnect none.
import cometdServer, {
  type CometDServer,
  type ServerMessage,
  type ServerSession,
} from 'cometd-nodejs-server';
import type { Session, WorkspaceStore } from './workspace-store.js';

export const INITIALIZATION_CHANNEL = '/workspace/v3/initialization';
export const VOICE_CHANNEL = '/workspace/v3/voice';

type Callback<R> = (error?: Error, result?: R) => void;

export class Bayeux {
  readonly server: CometDServer;
  readonly #store: WorkspaceStore;
  readonly #gapMs: number;
  readonly #end: ((user: Record<string, unknown>) => Record<string, unknown>) | undefined;
  readonly #sessions = new Map<string, Session>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  /** Each user's last voice message, for repeatLast. */
  readonly lastVoice = new Map<string, unknown>();

  constructor(
    store: WorkspaceStore,
    options: {
      longPollMs: number;
      initializationGapMs: number;
      initializationEnd?: (user: Record<string, unknown>) => Record<string, unknown>;
      refusedChannels?: string[];
    },
  ) {
    this.#store = store;
    this.#gapMs = options.initializationGapMs;
    this.#end = options.initializationEnd;
    this.server = cometdServer.createCometDServer({
      timeout: options.longPollMs,
      maxInterval: Math.max(10_000, options.longPollMs * 2),
      // Each session's own BAYEUX_BROWSER cookie; a second client on one cookie is another's bug.
      maxSessionsPerBrowser: 1,
    });
    const server = this.server;
    const cookieOf = () =>
      (server.context as { request?: { headers: { cookie?: string } } }).request?.headers.cookie;
    server.policy = {
      canHandshake: (_session: ServerSession, _message: ServerMessage, callback: Callback<boolean>) =>
        callback(undefined, Boolean(store.byCookie(cookieOf()))),
      canSubscribe: (
        _session: ServerSession,
        _message: ServerMessage,
        channel: { name: string },
        callback: Callback<boolean>,
      ) => callback(undefined, !options.refusedChannels?.includes(channel.name)),
    };
    server.addListener('sessionAdded', (bayeux: ServerSession) => {
      const session = store.byCookie(cookieOf());
      if (!session) return;
      session.bayeux = bayeux;
      this.#sessions.set(bayeux.id, session);
      store.counters.handshakes += 1;
      store.step(session.account.username, 'handshake');
    });
    server.addListener('sessionRemoved', (bayeux: ServerSession) => this.#sessions.delete(bayeux.id));
    server.addListener('subscribed', (channel: { name: string }, bayeux: ServerSession) => {
      const session = this.#sessions.get(bayeux.id);
      if (!session) return;
      store.counters.subscribes += 1;
      store.step(session.account.username, `subscribe ${channel.name}`);
      if (channel.name === INITIALIZATION_CHANNEL) this.#initialize(session);
    });
    server.addExtension({
      incoming: (
        _server: CometDServer,
        bayeux: ServerSession,
        message: ServerMessage,
        callback: Callback<boolean>,
      ) => {
        const session = this.#sessions.get(bayeux.id);
        if (message.channel === '/meta/connect') store.counters.connects += 1;
        if (message.channel === '/meta/disconnect' && session)
          store.step(session.account.username, 'disconnect');
        callback(undefined, true);
      },
      outgoing: (
        _server: CometDServer,
        _sender: ServerSession,
        bayeux: ServerSession | undefined,
        message: ServerMessage,
        callback: Callback<boolean>,
      ) => {
        const fault =
          bayeux && message.channel === '/meta/connect' ? this.#sessions.get(bayeux.id)?.fault : undefined;
        if (fault === 'handshake') {
          message.successful = false;
          message.error = '402::session_unknown';
          message.advice = { reconnect: 'handshake', interval: 0 };
        } else if (fault === 'none') message.advice = { ...(message.advice ?? {}), reconnect: 'none' };
        callback(undefined, true);
      },
    });
  }

  /** Executing (50 %), then Complete with the user, `gapMs` apart, as the simulator publishes them. */
  #initialize(session: Session): void {
    const { account } = session;
    const at = new Date().toISOString();
    const common = { submittedAt: at, executionTime: 1, actualWaitTime: 1 };
    this.#later(() => {
      this.deliver(session, INITIALIZATION_CHANNEL, {
        ...common,
        state: 'Executing',
        progress: { percentComplete: 50 },
        messageType: 'WorkspaceInitializationProgress',
      });
      this.#later(() => {
        const end = this.#end?.(userOf(session)) ?? {
          ...common,
          state: 'Complete',
          data: { user: userOf(session), configuration: {} },
          messageType: 'WorkspaceInitializationComplete',
        };
        session.initialized = end.state === 'Complete';
        if (session.initialized) this.#store.step(account.username, 'initialization Complete');
        this.deliver(session, INITIALIZATION_CHANNEL, end);
      });
    });
  }

  #later(fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, this.#gapMs);
    this.#timers.add(timer);
  }

  /** Delivers on a channel the session's client subscribed to; false when it cannot. */
  deliver(session: Session | undefined, channel: string, data: unknown): boolean {
    const bayeux = session?.alive ? session.bayeux : undefined;
    if (!bayeux?.subscriptions.some((c) => c.name === channel)) return false;
    bayeux.deliver(null, channel, data);
    return true;
  }

  /** A voice message to the user's current session, remembered for repeatLast. */
  voice(username: string, data: unknown): boolean {
    this.lastVoice.set(username, data);
    const delivered = this.deliver(this.#store.current.get(username), VOICE_CHANNEL, data);
    if (delivered) this.#store.counters.published += 1;
    return delivered;
  }

  /** Subscribed channels of a session's client. */
  channels(session: Session): string[] {
    return session.bayeux?.subscriptions.map((c) => c.name) ?? [];
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.server.close();
  }
}

/** data.user of the initialization and of current-session (CurrentSessionDataUser's fields). */
export function userOf(session: Session): Record<string, unknown> {
  const { account } = session;
  return {
    dbid: 101,
    userName: account.username.split('\\').pop(),
    firstName: account.firstName ?? '',
    lastName: account.lastName ?? '',
    employeeId: account.employeeId ?? account.agentLogin,
    agentLogin: account.agentLogin,
    defaultPlace: `Place_${account.dn}`,
    userProperties: [],
  };
}
