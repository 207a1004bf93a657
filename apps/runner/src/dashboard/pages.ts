// The operator dashboard, served by the runner at `/`: static HTML, CSS and one script (no build step,
// ~20 KB, held in memory), fed by the admin API. Sign-in keeps a derived session value in a cookie.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventNameWarnings, type PreparedMessage, safeCompare, validateMessage } from '@openconnect/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RunnerConfig } from '../config.js';
import type { DeliveryRecord, Outbox } from '../outbox/types.js';
import type { Activity } from './activity.js';
import { clearedCookie, isOperator, sessionCookie } from './session.js';

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

export interface DashboardContext {
  config: RunnerConfig;
  outbox: Outbox;
  activity: Activity;
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

export function registerDashboard(app: FastifyInstance, ctx: DashboardContext) {
  const token = ctx.config.adminToken;
  const secure = (ctx.config.publicUrl ?? '').startsWith('https:');

  app.get('/', async (request, reply) => {
    if (!token)
      return html(reply, 403, loginPage('The dashboard is disabled: start the runner with ADMIN_TOKEN set.'));
    return isOperator(request.headers, token) ? html(reply, 200, files.index) : html(reply, 200, loginPage());
  });

  app.post('/login', async (request, reply) => {
    if (!token)
      return html(reply, 403, loginPage('The dashboard is disabled: start the runner with ADMIN_TOKEN set.'));
    const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    const given = new URLSearchParams(raw).get('token') ?? '';
    if (!safeCompare(given, token)) return html(reply, 401, loginPage('That is not the admin token.'));
    return reply.code(303).header('set-cookie', sessionCookie(token, secure)).header('location', '/').send();
  });

  app.post('/logout', async (_request, reply) =>
    reply.code(303).header('set-cookie', clearedCookie).header('location', '/').send(),
  );

  app.get('/dashboard/dashboard.css', async (_request, reply) =>
    reply.headers({ ...SECURITY_HEADERS, 'content-type': 'text/css; charset=utf-8' }).send(files.css),
  );
  app.get('/dashboard/dashboard.js', async (_request, reply) =>
    reply.headers({ ...SECURITY_HEADERS, 'content-type': 'text/javascript; charset=utf-8' }).send(files.js),
  );
}

const testSendBody = z.strictObject({
  agentid: z.string().min(1, 'agentid is required'),
  event: z.string().min(1, 'event is required'),
  props: z.record(z.string().min(1), z.string()).default({}),
});

const FINAL: DeliveryRecord['status'][] = ['delivered', 'dead'];

/** Waits until the test message has an answer (or the outbox paused on a 401), up to `timeoutMs`. */
async function awaitAnswer(
  outbox: Outbox,
  id: string,
  timeoutMs: number,
): Promise<DeliveryRecord | undefined> {
  const until = Date.now() + timeoutMs;
  let record = await outbox.get(id);
  while (
    record &&
    !FINAL.includes(record.status) &&
    record.lastStatus === undefined &&
    !record.lastError &&
    !outbox.pausedReason()
  ) {
    if (Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 100));
    record = await outbox.get(id);
  }
  return record;
}

function hintsFor(record: DeliveryRecord, paused: string | undefined): string[] {
  const hints: string[] = [...eventNameWarnings(record.event)];
  if (record.lastStatus === 401 || paused) {
    hints.push(
      'The API key was rejected: a key re-generated in Experience Cloud voids the old one. Set the current key of type OpenConnect, then resume delivery.',
    );
  } else if (record.status === 'delivered') {
    hints.push(
      `OpenConnect accepted it. If no PopFlow ran: is a PopFlow published to the event "${record.event}" exactly (case and length: ${record.event.length} characters)?`,
    );
    hints.push(
      `Is the agent "${record.agentid}" logged in to the OpenMethods client with exactly that login (case-sensitive)?`,
    );
    hints.push(
      'Was the API key re-generated after this runner was configured? Re-generated keys void the old one.',
    );
  } else if (record.status === 'dead') {
    hints.push(
      'OpenConnect refused it for good: check the crmid (the CRM domain or Zendesk hostname), the agent id and the event name.',
    );
  } else {
    hints.push('No answer yet: OpenConnect may be unreachable; the message stays queued and is retried.');
  }
  return hints;
}

/** Admin routes the dashboard needs beyond the admin API: activity counts and the test send. */
export function registerDashboardApi(admin: FastifyInstance, ctx: DashboardContext) {
  admin.get('/activity', async (_request, reply) =>
    reply
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ activity: ctx.activity.summary() })),
  );

  admin.post('/test-send', async (request: FastifyRequest, reply) => {
    const send = (status: number, body: unknown) =>
      reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
    let input: unknown;
    try {
      input = JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
    } catch {
      return send(400, { error: 'the body must be JSON: {"agentid", "event", "props"}' });
    }
    const parsed = testSendBody.safeParse(input);
    if (!parsed.success)
      return send(400, {
        error: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
      });
    const { agentid, event, props } = parsed.data;
    let checkedProps: PreparedMessage['props'];
    try {
      // Placeholders stand in for the jwt and crmid: only the sender holds them.
      checkedProps = validateMessage({
        agentid,
        event,
        jwt: 'x',
        crmid: 'x',
        props: { ...props, nativeEvent: 'test-send', lifecycle: 'custom' },
      }).message.props;
    } catch (error) {
      return send(400, { error: (error as Error).message });
    }
    const { stored } = await ctx.outbox.enqueue([
      {
        connector: 'dashboard',
        source: 'test-send',
        agentid,
        event,
        lifecycle: 'custom',
        props: checkedProps,
      },
    ]);
    const record = await awaitAnswer(ctx.outbox, stored[0]!.id, 10_000);
    return send(200, {
      delivery: record ?? stored[0],
      hints: hintsFor(record ?? stored[0]!, ctx.outbox.pausedReason()),
    });
  });
}
