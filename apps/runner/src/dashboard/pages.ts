// The operator dashboard, served by the runner at `/`: static HTML, CSS and one script (no build step,
// ~20 KB, held in memory), fed by the admin API. Sign-in opens a server-side session (session.ts).
// This scope reads one body, the sign-in form; any other body is refused with 415.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeCompare } from '@openconnect/core';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ServerContext } from '../context.js';
import { declareReads } from '../reply.js';
import { SESSION_COOKIE, signedInBy, signIn, signOut, useDashboardSessions } from './session.js';

const assets = join(import.meta.dirname, 'assets');
const read = (name: string) => readFileSync(join(assets, name), 'utf8');
const files = {
  index: read('index.html'),
  login: read('login.html'),
  css: read('dashboard.css'),
  js: read('dashboard.js'),
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const FORM = 'application/x-www-form-urlencoded';
const READS = `the dashboard reads only its sign-in form (content-type: ${FORM})`;

class NotTheForm extends Error {
  readonly statusCode = 415;
}

function html(reply: FastifyReply, status: number, body: string) {
  return reply
    .code(status)
    .headers({ ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' })
    .send(body);
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function loginPage(error?: string) {
  return files.login.replace(
    '<!--error-->',
    error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '',
  );
}

export function dashboardPages(ctx: Pick<ServerContext, 'config' | 'outbox'>): FastifyPluginAsync {
  const token = ctx.config.adminToken;
  const limits = ctx.config.dashboardSession;
  return async (scope) => {
    await useDashboardSessions(scope, ctx);
    // The sign-in form, parsed by the platform's URLSearchParams: one field does not need @fastify/formbody.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) =>
      done(null, new URLSearchParams(body as string)),
    );
    scope.addContentTypeParser('*', { parseAs: 'string' }, (request, _body, done) =>
      done(
        new NotTheForm(`${READS}, not ${request.headers['content-type'] || 'a body without content-type'}`),
      ),
    );
    declareReads(scope, READS);

    scope.get('/', async (request, reply) => {
      if (!token)
        return html(
          reply,
          403,
          loginPage('The dashboard is disabled: start the runner with ADMIN_TOKEN set.'),
        );
      return (await signedInBy(request, token, limits))
        ? html(reply, 200, files.index)
        : html(reply, 200, loginPage());
    });

    scope.post('/login', async (request, reply) => {
      if (!token)
        return html(
          reply,
          403,
          loginPage('The dashboard is disabled: start the runner with ADMIN_TOKEN set.'),
        );
      const given = (request.body as URLSearchParams | undefined)?.get('token') ?? '';
      if (!safeCompare(given, token)) return html(reply, 401, loginPage('That is not the admin token.'));
      try {
        await signIn(request, token);
      } catch (error) {
        request.log.warn({ err: error }, 'dashboard sign-in: the session store did not answer');
        return html(
          reply,
          503,
          loginPage('Sign-in is unavailable: the outbox store does not answer. Try again shortly.'),
        );
      }
      return reply.code(303).header('location', '/').send();
    });

    // The session ends in the store, so its cookie, even replayed from a copy, opens nothing any more.
    scope.post('/logout', async (request, reply) => {
      await signOut(request);
      return reply.code(303).clearCookie(SESSION_COOKIE, { path: '/' }).header('location', '/').send();
    });

    scope.get('/dashboard/dashboard.css', async (_request, reply) =>
      reply.headers({ ...SECURITY_HEADERS, 'content-type': 'text/css; charset=utf-8' }).send(files.css),
    );
    scope.get('/dashboard/dashboard.js', async (_request, reply) =>
      reply.headers({ ...SECURITY_HEADERS, 'content-type': 'text/javascript; charset=utf-8' }).send(files.js),
    );
  };
}
