// Dashboard sign-in: the operator types the admin token once and gets a server-side session
// (@fastify/session), kept in the outbox's state store so every replica sharing the store sees it and a
// sign-out anywhere revokes it everywhere. The cookie holds only a random session id, signed, HttpOnly,
// SameSite=Strict, Secure when PUBLIC_URL is https. A session ends (server-side, whatever the cookie says)
// after `dashboardSession.idleMs` without a request, `dashboardSession.absoluteMs` after sign-in, at
// sign-out, or when the admin token changes: it records a tag of the token it was opened with.
import { createHmac } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySession, { type SessionStore } from '@fastify/session';
import { safeCompare, type StateStore } from '@openconnect/core';
import type { FastifyInstance, FastifyRequest, Session } from 'fastify';
import type { RunnerConfig } from '../config.js';

export const SESSION_COOKIE = 'oc_session';
const KEY = 'runner:dashboard-session:';

declare module 'fastify' {
  interface Session {
    /** Tag of the admin token the session was opened with (never the token). */
    tokenTag?: string;
    signedInAt?: number;
    /** The last request, as last written to the store (written at most every touchEveryMs). */
    seenAt?: number;
  }
}

const tag = (purpose: string, adminToken: string) =>
  createHmac('sha256', adminToken).update(purpose).digest('base64url');
const tokenTag = (adminToken: string) => tag('openconnect-dashboard-session-token-v2', adminToken);

type Limits = RunnerConfig['dashboardSession'];

/** When a stored session ends: its idle or its absolute limit, whichever comes first. */
const endsAt = (s: { signedInAt?: number; seenAt?: number }, limits: Limits) =>
  Math.min((s.seenAt ?? 0) + limits.idleMs, (s.signedInAt ?? 0) + limits.absoluteMs);

/**
 * @fastify/session's store on the state store: each session under one key that expires when the session
 * does. A store that does not answer reads as no session (the operator signs in again once it is back).
 */
function stateSessionStore(state: StateStore, limits: Limits, log: FastifyInstance['log']): SessionStore {
  return {
    set(id, session, done) {
      const ttl = endsAt(session, limits) - Date.now();
      const write = ttl > 0 ? state.set(KEY + id, session, ttl) : state.delete(KEY + id);
      write.then(() => done(), done);
    },
    get(id, done) {
      state.get<Session>(KEY + id).then(
        (session) => done(null, session ?? null),
        (error: unknown) => {
          log.warn({ err: error }, 'the dashboard session store did not answer: treated as signed out');
          done(null, null);
        },
      );
    },
    destroy(id, done) {
      state.delete(KEY + id).then(() => done(), done);
    },
  };
}

/**
 * Reads the session cookie in `scope` (the dashboard's pages, the admin API): registered in each scope that
 * needs it, with one store and one signing secret, so either scope reads the other's sessions.
 */
export async function useDashboardSessions(
  scope: FastifyInstance,
  ctx: { config: RunnerConfig; outbox: { state: StateStore } },
) {
  const { adminToken, dashboardSession: limits, publicUrl } = ctx.config;
  await scope.register(fastifyCookie);
  await scope.register(fastifySession, {
    cookieName: SESSION_COOKIE,
    // Signs the id (defence in depth: ids are random already); derived from the token, so every replica
    // agrees and a new token voids old cookies. Without a token the dashboard is off: any secret will do.
    secret: tag('openconnect-dashboard-session-secret-v2', adminToken ?? 'dashboard-disabled'),
    store: stateSessionStore(ctx.outbox.state, limits, scope.log),
    saveUninitialized: false, // no store write for a visitor who has not signed in
    rolling: false, // the idle limit is kept server-side (seenAt), not by re-sending the cookie
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: (publicUrl ?? '').startsWith('https:'),
      maxAge: limits.absoluteMs,
    },
  });
}

/** How a request signed in as the operator: the Bearer token, the session cookie, or not at all. */
export type OperatorCredential = 'bearer' | 'cookie';

/**
 * The credential that makes a request the operator's. An Authorization header that is no Bearer token
 * (Basic, a bare word) signs nothing in: the session alone decides then, and the request counts as by cookie.
 * A session past its limits, or opened with another admin token, is ended here.
 */
export async function signedInBy(
  request: FastifyRequest,
  adminToken: string | undefined,
  limits: Limits,
): Promise<OperatorCredential | undefined> {
  if (!adminToken) return undefined;
  const authorization = request.headers.authorization;
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (bearer !== undefined) return safeCompare(bearer, adminToken) ? 'bearer' : undefined;
  const session = request.session;
  if (!session?.signedInAt) return undefined; // only a session read from the store carries signedInAt
  const now = Date.now();
  if (!safeCompare(session.tokenTag, tokenTag(adminToken)) || now >= endsAt(session, limits)) {
    await session.destroy();
    return undefined;
  }
  // Written at most every tenth of the idle limit (a minute at most): the dashboard polls every few seconds.
  if (now - (session.seenAt ?? 0) >= Math.min(60_000, limits.idleMs / 10)) {
    session.seenAt = now;
    await session.save();
  }
  return 'cookie';
}

/** Opens a session for the operator who just typed the admin token: a new id (no fixation), saved now. */
export async function signIn(request: FastifyRequest, adminToken: string) {
  await request.session.regenerate();
  const now = Date.now();
  request.session.tokenTag = tokenTag(adminToken);
  request.session.signedInAt = now;
  request.session.seenAt = now;
  // Saved here rather than by the plugin on send: it skips saving a Secure cookie's session on a plain-HTTP
  // hop, which is what a proxy terminating TLS in front of the runner looks like.
  await request.session.save();
}

/** Ends the session in the store: its cookie, replayed, opens nothing. */
export async function signOut(request: FastifyRequest) {
  if (request.session?.signedInAt) await request.session.destroy();
}
