// The Workspace API's REST side for one agent (GenesysPureEngage/workspace-client-js): initialize-workspace
// with the bearer token gives the WORKSPACE_SESSIONID cookie; every later request carries that cookie and
// x-api-key (the SDK sends no bearer token after the initialization).
import { parseRetryAfter, SessionError } from '@openconnect/core';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { vendorReason } from './auth.js';

export const SESSION_COOKIE = 'WORKSPACE_SESSIONID';

/** The Workspace session is gone (401/403 on a session request): the session ends and is initialized again. */
export class WorkspaceGone extends Error {}

export interface WorkspaceRest {
  http: AxiosInstance;
  /** The Workspace API base URL (without /workspace/v3). */
  url: string;
  apiKey: string;
  signal: AbortSignal;
}

export interface WorkspaceSession extends WorkspaceRest {
  /** The WORKSPACE_SESSIONID cookie's value. */
  sessionId: string;
  /** Who this session is, for messages. */
  username: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const workspaceUrl = (o: WorkspaceRest, path: string) => `${o.url.replace(/\/+$/, '')}/workspace/v3${path}`;

/** `WORKSPACE_SESSIONID=abc; Path=/; HttpOnly; Secure` among the Set-Cookie headers → abc. */
function sessionCookie(response: AxiosResponse): string | undefined {
  const header = response.headers['set-cookie'];
  const cookies = Array.isArray(header)
    ? header
    : header
      ? [String(header)]
      : // Stryker disable next-line ArrayDeclaration: a made-up cookie without "=" is no session either
        [];
  for (const cookie of cookies) {
    // Stryker disable next-line StringLiteral: split always gives a first part; the default is for the type checker
    const [pair = ''] = cookie.split(';');
    const at = pair.indexOf('=');
    // Stryker disable next-line EqualityOperator: at 0 the name is empty, never the session cookie's
    if (at > 0 && pair.slice(0, at).trim() === SESSION_COOKIE) return pair.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

/** POST /workspace/v3/initialize-workspace (Bearer + x-api-key) → the session cookie. */
export async function initializeWorkspace(
  o: WorkspaceRest,
  accessToken: string,
  username: string,
): Promise<WorkspaceSession> {
  const response = await o.http.post(workspaceUrl(o, '/initialize-workspace'), undefined, {
    headers: { 'x-api-key': o.apiKey, authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    signal: o.signal,
  });
  const reason = vendorReason(response.data, response.status);
  if (
    // Stryker disable next-line ConditionalExpression: axios resolves with final answers only, never a 1xx
    response.status >= 200 &&
    response.status < 300
  ) {
    const sessionId = sessionCookie(response);
    if (!sessionId)
      throw new SessionError(
        `initialize-workspace for ${username} set no ${SESSION_COOKIE} cookie (answered ${response.status})`,
      );
    return { ...o, sessionId, username };
  }
  if (response.status === 401)
    // The token was refused (it may have expired in between): the next session signs in again.
    throw new SessionError(`initialize-workspace refused the token of ${username} (401): ${reason}`);
  if (response.status === 403)
    throw new SessionError(
      `initialize-workspace refused ${username} (403): ${reason} (the user needs a Workspace API licence and an agent login; check pureengageApiKey)`,
      { failed: true },
    );
  throw failure(response, `initialize-workspace for ${username}`, reason);
}

function failure(response: AxiosResponse, what: string, reason: string): SessionError {
  if (response.status === 429) {
    return new SessionError(`${what}: the Workspace API asks to slow down (429): ${reason}`, {
      retryAfterMs: parseRetryAfter(response.headers['retry-after']) ?? 5_000,
    });
  }
  return new SessionError(`${what} answered ${response.status}: ${reason}`);
}

async function call(
  s: WorkspaceSession,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<AxiosResponse> {
  const response = await s.http.request({
    method,
    url: workspaceUrl(s, path),
    headers: {
      'x-api-key': s.apiKey,
      cookie: `${SESSION_COOKIE}=${s.sessionId}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    data: body,
    signal: s.signal,
  });
  if (response.status === 401 || response.status === 403)
    throw new WorkspaceGone(
      `the Workspace session of ${s.username} ended (${path} answered ${response.status}: ${vendorReason(response.data, response.status)})`,
    );
  return response;
}

/** POST /workspace/v3/activate-channels {"data":{"agentId","dn"}}: the agent on its DN, voice events follow. */
export async function activateChannels(s: WorkspaceSession, agentId: string, dn: string): Promise<void> {
  const response = await call(s, 'POST', '/activate-channels', { data: { agentId, dn } });
  if (
    // Stryker disable next-line ConditionalExpression: axios resolves with final answers only, never a 1xx
    response.status >= 200 &&
    response.status < 300
  )
    return;
  const reason = vendorReason(response.data, response.status);
  if (response.status === 400 || response.status === 404)
    throw new SessionError(
      `activate-channels refused agent ${agentId} on DN ${dn} for ${s.username}: ${reason} (check dn and agentId in pureengageAgents)`,
      { failed: true },
    );
  throw failure(response, `activate-channels for ${s.username}`, reason);
}

export interface CurrentSession {
  /** data.user.activeSession.calls: the agent's calls not yet Completed. */
  calls: Record<string, unknown>[];
  /** data.user.activeSession.dn. */
  dn?: Record<string, unknown>;
}

/** GET /workspace/v3/current-session (belief: its activeSession lists the calls not yet Completed). */
export async function currentSession(s: WorkspaceSession): Promise<CurrentSession | undefined> {
  const response = await call(s, 'GET', '/current-session');
  if (response.status !== 200 || !isRecord(response.data)) return undefined;
  const data = isRecord(response.data.data) ? response.data.data : {};
  const user = isRecord(data.user) ? data.user : {};
  const active = isRecord(user.activeSession) ? user.activeSession : {};
  const calls = Array.isArray(active.calls) ? active.calls.filter(isRecord) : [];
  return { calls, ...(isRecord(active.dn) ? { dn: active.dn } : {}) };
}

/** POST /workspace/v3/logout: ends the session and the agent's channels (belief: frees the session at once). */
export async function logout(s: Omit<WorkspaceSession, 'signal'>): Promise<void> {
  // Its own short deadline: the session's signal is already aborted when the runner stops it.
  await call({ ...s, signal: AbortSignal.timeout(2_000) }, 'POST', '/logout').catch(() => undefined);
}
