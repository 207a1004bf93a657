// The Workspace API's CometD side for one agent: long polling at {api}/workspace/v3/notifications with the
// session cookie and x-api-key, using the cometd client. The Bayeux session lives inside the Workspace
// session, so when either ends (a 401/403, advice.reconnect handshake or none, the server's
// /meta/disconnect, connects failing longer than the retry window) the CometD client stops instead of
// handshaking by itself: the runner's session ends and the next one initializes the Workspace again.

import { SessionError } from '@openconnect/core';
import { CometD, type Message } from 'cometd';
import { adaptOnce, openJar, releaseJar } from './cookies.js';
import { SESSION_COOKIE, WorkspaceGone } from './rest.js';

export interface NotificationsOptions {
  /** {api}/workspace/v3/notifications */
  url: string;
  apiKey: string;
  sessionId: string;
  username: string;
  networkDelayMs: number;
  retryWindowMs: number;
  now(): number;
  /** Aborted when the runner stops the session: a pending subscription gives up at once. */
  signal: AbortSignal;
  /** The CometD connection failing (degraded) or working again (connected). */
  onStatus(status: 'connected' | 'degraded', detail: string): void;
}

interface Failure {
  httpCode?: number;
  reason?: string;
}

const failureOf = (message: Message): Failure => (message as { failure?: Failure }).failure ?? {};

function describe(message: Message): string {
  const failure = failureOf(message);
  if (failure.httpCode) return `HTTP ${failure.httpCode}`;
  if (message.error) return message.error;
  // cometd-nodejs-client's XMLHttpRequest fails with the Node error's message as the reason (a timeout, "socket
  // hang up"), or with an HTTP status; a failure with neither has nothing more to say.
  // Stryker disable next-line StringLiteral: only a failure without a reason, which that client does not give, reads it
  return failure.reason || 'no answer';
}

const refused = (message: Message) => [401, 403].includes(failureOf(message).httpCode ?? 0);

export class Notifications {
  readonly #o: NotificationsOptions;
  readonly #cometd = new CometD();
  #closing = false;
  #why: string | undefined;
  #failingSince: number | undefined;
  #end!: (why: string) => void;
  /** Resolves with why the CometD session ended, unless the runner closed it. */
  readonly ended: Promise<string>;

  private constructor(o: NotificationsOptions) {
    this.#o = o;
    this.ended = new Promise((resolve) => {
      this.#end = resolve;
    });
  }

  /** Why the vendor ended the CometD session, once it did. */
  get endedBy(): string | undefined {
    return this.#why;
  }

  /** Handshakes; the Workspace session refusing it (401/403) is WorkspaceGone. */
  static async open(o: NotificationsOptions): Promise<Notifications> {
    adaptOnce();
    const n = new Notifications(o);
    await n.#handshake();
    return n;
  }

  get #cookie() {
    return `${SESSION_COOKIE}=${this.#o.sessionId}`;
  }

  async #handshake(): Promise<void> {
    const cometd = this.#cometd;
    // Long polling only, as the Workspace API serves it (the ws shim would otherwise offer a websocket).
    cometd.unregisterTransport('websocket');
    // Stryker disable next-line StringLiteral: long-polling comes first and is accepted, so callback-polling is only ever offered, never used
    cometd.unregisterTransport('callback-polling');
    const transport = cometd.findTransport('long-polling') as { context?: unknown } | null;
    if (transport) transport.context = openJar(this.#o.sessionId);
    cometd.configure({
      url: this.#o.url,
      // Stryker disable next-line StringLiteral: the cometd library's own console output, nothing the session does
      logLevel: 'warn',
      // Stryker disable next-line BooleanLiteral: Node has no Worker global; cometd falls back to timers either way
      useWorkerScheduler: false,
      maxNetworkDelay: this.#o.networkDelayMs,
      requestHeaders: { 'x-api-key': this.#o.apiKey, Cookie: this.#cookie },
    });
    cometd.addListener('/meta/connect', (message) => this.#onConnect(message));
    cometd.addListener('/meta/disconnect', () => {
      // Stryker disable next-line ConditionalExpression: stopping on the runner's own disconnect only resolves `ended` once nobody awaits it
      if (!this.#closing) this.#stop('the Workspace API ended the CometD session (/meta/disconnect)');
    });
    const reply = await new Promise<Message>((resolve) => {
      cometd.handshake(resolve);
      const stopped = () => resolve({ channel: '/meta/handshake', successful: false, error: 'stopped' });
      if (this.#o.signal.aborted) stopped();
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: an abort fires once; resolving again is a no-op
      else this.#o.signal.addEventListener('abort', stopped, { once: true });
    });
    if (reply.successful && reply.advice?.reconnect !== 'none') return;
    // Stop the client from handshaking again by itself.
    // Stryker disable next-line BooleanLiteral: open() throws next; the Notifications whose `ended` it would resolve is never handed out
    this.#closing = true;
    cometd.disconnect();
    releaseJar(this.#o.sessionId);
    const why = `the CometD handshake of ${this.#o.username} failed: ${describe(reply)}`;
    if (refused(reply)) throw new WorkspaceGone(why);
    throw new SessionError(why);
  }

  #onConnect(message: Message): void {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: cometd 9 reports no /meta/connect after its disconnect (close, #stop); kept for one that would come late
    if (this.#closing || this.#why) return;
    const advice = message.advice?.reconnect;
    if (message.successful) {
      if (this.#failingSince !== undefined) {
        this.#failingSince = undefined;
        this.#o.onStatus('connected', `CometD connected again for ${this.#o.username}`);
      }
      if (advice === 'none') this.#stop('the Workspace API advised not to reconnect (advice.reconnect none)');
      return;
    }
    const what = describe(message);
    const now = this.#o.now();
    this.#failingSince ??= now;
    const why = refused(message)
      ? `the Workspace session of ${this.#o.username} expired (/meta/connect: ${what})`
      : advice === 'handshake'
        ? `the Workspace API asked for a new CometD handshake (${what}): initializing the session again`
        : advice === 'none'
          ? `the Workspace API advised not to reconnect (${what})`
          : now - this.#failingSince >= this.#o.retryWindowMs
            ? `CometD could not connect for ${now - this.#failingSince} ms (last: ${what})`
            : undefined;
    if (why) this.#stop(why);
    else this.#o.onStatus('degraded', `CometD connect failed for ${this.#o.username} (${what}); retrying`);
  }

  /** Ends on the vendor's word: disconnecting inside a listener keeps the client from retrying. */
  #stop(why: string): void {
    // Stryker disable next-line ConditionalExpression: `ended` resolves once anyway; a second why would only replace endedBy, read as a flag
    if (this.#why) return;
    this.#why = why;
    this.#cometd.disconnect();
    this.#end(why);
  }

  /** Subscribes and waits for the server's answer. */
  subscribe(channel: string, onMessage: (message: Message) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#cometd.subscribe(channel, onMessage, (reply) => {
        if (reply.successful) return resolve();
        const why = `subscribing ${this.#o.username} to ${channel} failed: ${describe(reply)}`;
        reject(refused(reply) ? new WorkspaceGone(why) : new SessionError(why));
      });
      void this.ended.then((why) => reject(new SessionError(why)));
      const stopped = () =>
        reject(new SessionError(`subscribing ${this.#o.username} to ${channel}: stopped`));
      if (this.#o.signal.aborted) stopped();
      else this.#o.signal.addEventListener('abort', stopped, { once: true });
    });
  }

  /** Disconnects (at most a second's wait for the server's answer) and drops anything still in flight. */
  async close(): Promise<void> {
    // Stryker disable next-line BooleanLiteral: the session reads `ended` and endedBy before it closes, never after
    this.#closing = true;
    const cometd = this.#cometd;
    if (!cometd.isDisconnected())
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        cometd.disconnect(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    cometd.getTransport()?.abort();
    cometd.clearSubscriptions();
    cometd.clearListeners();
    releaseJar(this.#o.sessionId);
  }
}
