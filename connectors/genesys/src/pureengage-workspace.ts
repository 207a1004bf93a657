// PureEngage (Engage) without a relay: the runner holds each configured agent's Workspace API session
// itself. Token (password grant) → initialize-workspace (WORKSPACE_SESSIONID cookie) → CometD handshake →
// /workspace/v3/initialization until Complete → /workspace/v3/voice → activate-channels (agent on its DN)
// → current-session (what changed while nobody watched). Each voice message takes the relay source's path
// (same parse, same map, same state), wrapped as { agent, message } as a relay names the agent.
import { defineSubscription, InputError, SessionError } from '@openconnect/core';
import type { GenesysConfig } from './config.js';
import { type PureEngageRequest, pureengage, readPureEngage } from './pureengage.js';
import type { Services } from './users-api.js';
import { AgentToken } from './workspace/auth.js';
import { Notifications } from './workspace/notifications.js';
import {
  activateChannels,
  currentSession,
  initializeWorkspace,
  logout,
  WorkspaceGone,
} from './workspace/rest.js';
import { agentFor, workspaceEnabled, workspaceInstances } from './workspace/settings.js';
import { VOICE_CHANNEL, VoiceFeed, type WorkspaceFrame } from './workspace/voice.js';

export type { WorkspaceFrame } from './workspace/voice.js';

const INITIALIZATION_CHANNEL = '/workspace/v3/initialization';

/** An object to read fields of (a list has none of the fields read here, so it needs no exception). */
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** Resolves when the signal aborts. */
const whenAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: an abort fires once; resolving again is a no-op
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/** Subscribes to the initialization channel and waits for `state: "Complete"`; its data.user. */
function initialized(n: Notifications, username: string, timeoutMs: number, signal: AbortSignal) {
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new SessionError(
            `the Workspace initialization of ${username} did not complete within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    // Stryker disable next-line ArrowFunction: the timer rejecting a settled promise is a no-op; clearing only frees it
    const settle = () => clearTimeout(timer);
    n.subscribe(INITIALIZATION_CHANNEL, ({ data }) => {
      // Stryker disable next-line ConditionalExpression: cometd catches a listener's TypeError on null data; any other non-record has no state
      if (!isRecord(data)) return;
      if (data.state === 'Complete') {
        settle();
        resolve(isRecord(data.data) && isRecord(data.data.user) ? data.data.user : {});
      } else if (data.state === 'Failed') {
        settle();
        // The vendor's own words when it gives some (e.g. no agent login configured for the user).
        const why =
          text(isRecord(data.data) ? data.data.message : undefined) ?? text(data.message) ?? 'state Failed';
        reject(
          new SessionError(`the Workspace initialization of ${username} failed: ${why}`, { failed: true }),
        );
      }
    }).catch((error: unknown) => {
      settle();
      reject(error);
    });
    void n.ended.then((why) => {
      settle();
      reject(new SessionError(why));
    });
    void whenAborted(signal).then(() => {
      settle();
      // Stryker disable next-line StringLiteral: on a stop connect() returns without reading this rejection
      reject(new SessionError(`the Workspace session of ${username} was stopped`));
    });
  });
}

export const pureengageWorkspace = defineSubscription<
  PureEngageRequest,
  GenesysConfig,
  Services,
  WorkspaceFrame
>({
  id: 'pureengage-workspace',
  description:
    'PureEngage Workspace API session held by the runner for each agent: its voice channel, no relay',
  platforms: ['PureEngage'],
  enabled: workspaceEnabled,
  instances: workspaceInstances,
  parse(frame) {
    if (!isRecord(frame) || typeof frame.agent !== 'string' || !('message' in frame))
      throw new InputError('a Workspace frame is {agent, message: {channel, data}}');
    return readPureEngage(frame);
  },
  map: pureengage.map,
  stateWrites: pureengage.stateWrites,
  async connect(ctx) {
    const c = ctx.config;
    const agent = agentFor(c, ctx.instance);
    const apiUrl = c.pureengageApiUrl ?? '';
    const apiKey = c.pureengageApiKey ?? '';
    ctx.status('connecting', `signing ${agent.username} in to the Authentication API`);
    const token = new AgentToken({
      http: ctx.http,
      url: c.pureengageAuthUrl ?? apiUrl,
      apiKey,
      clientId: c.pureengageClientId ?? '',
      clientSecret: c.pureengageClientSecret ?? '',
      agent,
      now: ctx.now,
      signal: ctx.signal,
    });
    const first = await token.signIn();
    ctx.renewBefore('Workspace API token', first.expiresAt, async () => {
      const renewed = await token.renewInTime(ctx.sleep, (why) =>
        ctx.log.warn(
          { agent: agent.username, reason: why },
          'renewing the Workspace API token failed; trying again',
        ),
      );
      return renewed.expiresAt;
    });
    const session = await initializeWorkspace(
      { http: ctx.http, url: apiUrl, apiKey, signal: ctx.signal },
      first.accessToken,
      agent.username,
    );
    let notifications: Notifications | undefined;
    let feed: VoiceFeed | undefined;
    // Ended by the vendor (expired, advice, disconnect): nothing to log out of.
    let gone = false;
    try {
      notifications = await Notifications.open({
        url: `${apiUrl.replace(/\/+$/, '')}/workspace/v3/notifications`,
        apiKey,
        sessionId: session.sessionId,
        username: agent.username,
        networkDelayMs: c.pureengageNetworkDelayMs,
        retryWindowMs: c.pureengageRetryWindowMs,
        now: ctx.now,
        signal: ctx.signal,
        onStatus: (status, detail) => ctx.status(status, detail),
      });
      const user = await initialized(notifications, agent.username, c.pureengageInitTimeoutMs, ctx.signal);
      const agentId = agent.agentId ?? text(user.agentLogin) ?? text(user.employeeId);
      if (!agentId)
        throw new SessionError(
          `the Workspace user ${agent.username} has no agent login: set agentId for it in pureengageAgents`,
          {
            failed: true,
          },
        );
      feed = new VoiceFeed(ctx, { agent: agentId, username: agent.username, ttlMs: c.stateTtlMs });
      await notifications.subscribe(VOICE_CHANNEL, feed.onMessage);
      await activateChannels(session, agentId, agent.dn);
      await feed.open(c.pureengageSnapshot ? await currentSession(session) : undefined);
      ctx.status(
        'connected',
        `Workspace session of ${agent.username}: agent ${agentId} on DN ${agent.dn}, voice channel`,
      );
      const ended = await Promise.race([notifications.ended, whenAborted(ctx.signal)]);
      if (ctx.signal.aborted) return;
      // Stryker disable next-line BooleanLiteral: ended resolves only once endedBy is set, which the catch reads too
      gone = true;
      // Stryker disable next-line StringLiteral: ended is undefined only when the stop won the race, and then connect() returned above
      throw new SessionError(ended ?? 'the Workspace session ended');
    } catch (error) {
      if (error instanceof WorkspaceGone || notifications?.endedBy) gone = true;
      if (ctx.signal.aborted) return;
      throw error instanceof WorkspaceGone ? new SessionError(error.message) : error;
    } finally {
      await notifications?.close();
      await feed?.settled();
      if (!gone && c.pureengageLogout) await logout(session);
    }
  },
});
