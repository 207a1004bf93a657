// The operator dashboard, served by the runner at `/`: static HTML, CSS and one script (no build step,
// ~20 KB, held in memory), fed by the admin API. Sign-in keeps a derived session value in a cookie.
// This scope reads one body, the sign-in form; any other body is refused with 415.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeCompare } from '@openconnect/core';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { RunnerConfig } from '../config.js';
import { declareReads } from '../reply.js';
import { clearedCookie, sessionCookie, signedInBy } from './session.js';

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

export function dashboardPages(ctx: { config: RunnerConfig }): FastifyPluginAsync {
  const token = ctx.config.adminToken;
  const secure = (ctx.config.publicUrl ?? '').startsWith('https:');
  return async (scope) => {
    // The sign-in form, parsed by the platform's URLSearchParams: one field does not need @fastify/formbody.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) =>
      done(null, new URLSearchParams(body as string)),
    );
    scope.addContentTypeParser('*', { parseAs: 'string' }, (request, _body, done) =>
      done(
        new NotTheForm(
          `${READS}, not ${request.headers['content-type'] || 'a body without content-type'}`,
        ),
      ),
    );
    declareReads(scope, READS);

    scope.get('/', async (request, reply) => {
      if (!token)
        return html(reply, 403, loginPage('The dashboard is disabled: start the runner with ADMIN_TOKEN set.'));
      return signedInBy(request.headers, token) ? html(reply, 200, files.index) : html(reply, 200, loginPage());
    });

    scope.post('/login', async (request, reply) => {
      if (!token)
        return html(reply, 403, loginPage('The dashboard is disabled: start the runner with ADMIN_TOKEN set.'));
      const given = (request.body as URLSearchParams | undefined)?.get('token') ?? '';
      if (!safeCompare(given, token)) return html(reply, 401, loginPage('That is not the admin token.'));
      return reply.code(303).header('set-cookie', sessionCookie(token, secure)).header('location', '/').send();
    });

    scope.post('/logout', async (_request, reply) =>
      reply.code(303).header('set-cookie', clearedCookie).header('location', '/').send(),
    );

    scope.get('/dashboard/dashboard.css', async (_request, reply) =>
      reply.headers({ ...SECURITY_HEADERS, 'content-type': 'text/css; charset=utf-8' }).send(files.css),
    );
    scope.get('/dashboard/dashboard.js', async (_request, reply) =>
      reply.headers({ ...SECURITY_HEADERS, 'content-type': 'text/javascript; charset=utf-8' }).send(files.js),
    );
  };
}
