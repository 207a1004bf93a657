// cometd-nodejs-client's XMLHttpRequest keeps the cookies servers set in one jar per host, shared by every
// CometD client in the process; with one Workspace session per agent on the same API host, one agent's
// BAYEUX_BROWSER cookie would be sent with another's requests. These hooks keep one jar per Workspace
// session instead: a response's cookies go to the jar of the WORKSPACE_SESSIONID its request carried.
import { adapt } from 'cometd-nodejs-client';
import { SESSION_COOKIE } from './rest.js';

const jars = new Map<string, Map<string, string>>();

/** The transport context that names a session's jar (LongPollingTransport copies it onto each request). */
export interface CookieContext {
  workspaceSession: string;
}

const sessionIn = (cookieHeader: unknown): string | undefined => {
  if (typeof cookieHeader !== 'string') return undefined;
  for (const part of cookieHeader.split(';')) {
    const at = part.indexOf('=');
    if (
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the client joins only name=value cookies into this header
      at > 0 &&
      part.slice(0, at).trim() === SESSION_COOKIE
    )
      // Stryker disable next-line MethodExpression: the client trims each cookie it joins, so no value ends in a space
      return part.slice(at + 1).trim();
  }
  return undefined;
};

let adapted = false;

/** Gives cometd a Node XMLHttpRequest (once per process) with per-session cookie jars. */
export function adaptOnce(): void {
  // Stryker disable next-line ConditionalExpression: adapting again installs the same hooks over the same jars
  if (adapted) return;
  // Stryker disable next-line BooleanLiteral: as above, adapting again changes nothing
  adapted = true;
  adapt({
    cookies: {
      // The client passes its request options, headers always set (its open()).
      storeCookie(uri: { headers: Record<string, unknown> }, header, callback) {
        // Stryker disable next-line StringLiteral: no jar is named '' or any other made-up name
        const jar = jars.get(sessionIn(uri.headers.Cookie) ?? '');
        // Stryker disable next-line StringLiteral: split always gives a first part; the default is for the type checker
        const [pair = ''] = header.split(';');
        const at = pair.indexOf('=');
        // The session cookie itself stays the one the session sends (a request header, not the jar).
        if (jar && at > 0 && pair.slice(0, at).trim() !== SESSION_COOKIE)
          jar.set(pair.slice(0, at).trim(), pair.trim());
        callback(null, undefined);
      },
      retrieveCookies(context: Partial<CookieContext> | undefined, _uri, callback) {
        // Stryker disable next-line StringLiteral: no jar is named '' or any other made-up name
        callback(null, [...(jars.get(context?.workspaceSession ?? '')?.values() ?? [])]);
      },
    },
  });
}

/** A jar for one Workspace session, until released. */
export function openJar(sessionId: string): CookieContext {
  jars.set(sessionId, new Map());
  return { workspaceSession: sessionId };
}

export function releaseJar(sessionId: string): void {
  jars.delete(sessionId);
}
