// PureConnect (CIC) without a relay: the runner holds an ICWS session itself. Log in (application name,
// user, password → session id, CSRF token, cookie), subscribe to the watched user and workgroup queues,
// then read messages by server-sent events (messaging version 2) or short polling. Every message takes the
// relay source's path (same parse, same map, same state), so both give the same pops.
import { defineSubscription, InputError, SessionError } from '@openconnect/core';
import type { GenesysConfig } from './config.js';
import { type IcwsFrame, pollMessages, Receiver } from './icws/messages.js';
import { attributeNames, planSubscriptions, subscribe, unsubscribe } from './icws/queues.js';
import { IcwsSessionGone, IcwsUnavailable, isRecord, login } from './icws/session.js';
import { icwsEnabled } from './icws/settings.js';
import { streamMessages } from './icws/stream.js';
import { type PureConnectRequest, pureconnect, readMessages } from './pureconnect.js';
import type { Services } from './users-api.js';

export type { IcwsFrame } from './icws/messages.js';

/** The servers that answered last (and their switchover partners), tried first at the next login. */
const preferred = new WeakMap<object, string[]>();

function messagingMode(
  setting: GenesysConfig['pureconnectMessaging'],
  version: number,
  server: string,
): 'sse' | 'poll' {
  if (setting === 'poll')
    // Stryker disable next-line StringLiteral: equivalent, only 'sse' is told apart: any other word polls
    return 'poll';
  if (version >= 2) return 'sse';
  if (setting === 'auto')
    // Stryker disable next-line StringLiteral: equivalent, only 'sse' is told apart: any other word polls
    return 'poll';
  throw new SessionError(
    `ICWS at ${server} offers messaging version ${version}, without server-sent events; set pureconnectMessaging to auto or poll`,
    { failed: true },
  );
}

export const pureconnectIcws = defineSubscription<PureConnectRequest, GenesysConfig, Services, IcwsFrame>({
  id: 'pureconnect-icws',
  description:
    'PureConnect ICWS session held by the runner: user and workgroup queue subscriptions, no relay',
  platforms: ['PureConnect'],
  enabled: icwsEnabled,
  parse(frame) {
    if (!isRecord(frame) || !('message' in frame))
      throw new InputError('an ICWS frame is {message, headers?}');
    const headers: Record<string, string> = {};
    if (isRecord(frame.headers))
      for (const [name, value] of Object.entries(frame.headers))
        if (typeof value === 'string') headers[name.toLowerCase()] = value;
    return readMessages(frame.message, headers);
  },
  map: pureconnect.map,
  stateWrites: pureconnect.stateWrites,
  async connect(ctx) {
    const c = ctx.config;
    // Stryker disable next-line MethodExpression: equivalent, no entry is empty (enabled() needs pureconnectServer)
    const servers = [
      ...(preferred.get(c) ?? []),
      // Stryker disable next-line StringLiteral: unreachable, enabled() runs the session only with pureconnectServer
      c.pureconnectServer ?? '',
      ...c.pureconnectAlternateServers,
    ].filter(Boolean);
    ctx.status('connecting', `logging in to ICWS at ${servers[0]} as ${c.pureconnectUser}`);
    const session = await login({
      http: ctx.http,
      servers,
      applicationName: c.pureconnectApplicationName,
      // Stryker disable StringLiteral: unreachable, enabled() runs the session only with a user and a password
      userId: c.pureconnectUser ?? '',
      password: c.pureconnectPassword ?? '',
      // Stryker restore StringLiteral
      signal: ctx.signal,
      log: (detail, message) => ctx.log.warn(detail, message),
    });
    preferred.set(c, [session.server, ...session.alternates]);
    const plan = planSubscriptions(c);
    let gone = false;
    try {
      await subscribe(session, plan, attributeNames(c.pureconnectAttributes));
      const mode = messagingMode(c.pureconnectMessaging, session.messagingVersion, session.server);
      const receiver = new Receiver(ctx, plan, c.relayAgentHeader);
      const how = mode === 'sse' ? 'server-sent events' : `polling every ${c.pureconnectPollIntervalMs} ms`;
      const detail = `ICWS session of ${c.pureconnectUser} on ${session.server}: ${plan.length} queue subscription(s), messages by ${how}`;
      let ended: string;
      if (mode === 'sse') {
        // Nothing else is sent while events stream in: a keep-alive request is the session's renewal.
        const timeout = c.pureconnectSessionTimeoutMs;
        ctx.renewBefore('ICWS session', ctx.now() + timeout, async () => {
          await session.keepAlive().catch((error: unknown) => {
            if (error instanceof IcwsUnavailable && error.alternates.length)
              preferred.set(c, error.alternates);
            throw error;
          });
          return ctx.now() + timeout;
        });
        ended = await streamMessages(ctx, session, receiver, c.pureconnectStreamTimeoutMs, () =>
          ctx.status('connected', detail),
        );
      } else {
        ctx.status('connected', detail);
        ended = await pollMessages(ctx, session, receiver, c.pureconnectPollIntervalMs);
      }
      if (ctx.signal.aborted) return;
      gone = true;
      throw new SessionError(ended);
    } catch (error) {
      if (error instanceof IcwsSessionGone) gone = true;
      if (error instanceof IcwsUnavailable && error.alternates.length) preferred.set(c, error.alternates);
      if (ctx.signal.aborted) return;
      throw error;
    } finally {
      // A clean stop gives the queues and the licence back at once; a session ICWS ended needs nothing.
      if (ctx.signal.aborted) await unsubscribe(session, plan);
      if (!gone) await session.logout();
    }
  },
});
