// Dashboard sign-in: the operator types the admin token once; the cookie holds a value derived from it
// (HMAC), never the token itself, HttpOnly and SameSite=Strict so other sites cannot ride on it.
import { createHmac } from 'node:crypto';
import { safeCompare } from '@openconnect/core';

export const SESSION_COOKIE = 'oc_session';
const SESSION_MAX_AGE_S = 12 * 60 * 60;

export function sessionValue(adminToken: string): string {
  return createHmac('sha256', adminToken).update('openconnect-dashboard-session-v1').digest('base64url');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** How a request signed in as the operator: the Bearer token, the session cookie, or not at all. */
export type OperatorCredential = 'bearer' | 'cookie';

/**
 * The credential that makes a request the operator's. An Authorization header that is no Bearer token
 * (Basic, a bare word) signs nothing in: the cookie alone decides then, and the request counts as by cookie.
 */
export function signedInBy(
  headers: Record<string, string | string[] | undefined>,
  adminToken: string | undefined,
): OperatorCredential | undefined {
  if (!adminToken) return undefined;
  const authorization = typeof headers.authorization === 'string' ? headers.authorization : undefined;
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (bearer !== undefined) return safeCompare(bearer, adminToken) ? 'bearer' : undefined;
  const cookie = readCookie(typeof headers.cookie === 'string' ? headers.cookie : undefined, SESSION_COOKIE);
  return safeCompare(cookie, sessionValue(adminToken)) ? 'cookie' : undefined;
}

export function sessionCookie(adminToken: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${sessionValue(adminToken)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}${secure ? '; Secure' : ''}`;
}

export const clearedCookie = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
