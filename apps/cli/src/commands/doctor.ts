// `openconnect doctor`: walks the OpenConnect troubleshooting list for one configuration and says what
// to fix: host, key, CRM id, event-name pitfalls, then one real send to prove the key is accepted.
import {
  checkBaseUrl,
  createOpenConnectClient,
  eventNameWarnings,
  OpenConnectError,
} from '@openconnect/core';
import { EXIT, fail, type Io, ok, warn } from '../output.js';
import { type ConnectionFlags, connectionFrom, UsageError } from '../settings.js';

export interface DoctorFlags extends ConnectionFlags {
  agentid?: string;
  event?: string;
  send: boolean;
  /** One JSON object on stdout instead of lines: { ok, problems, checks: [{ level, text }] }. */
  json?: boolean;
}

type Check = { level: 'ok' | 'warn' | 'fail'; text: string };

export async function doctorCommand(
  flags: DoctorFlags,
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let connection: ReturnType<typeof connectionFrom>;
  try {
    connection = connectionFrom(flags, env);
  } catch (error) {
    if (!flags.json || !(error instanceof UsageError)) throw error;
    io.out(JSON.stringify({ ok: false, error: error.message, code: 'usage' }));
    return EXIT.usage;
  }
  const checks: Check[] = [];
  const add = (level: Check['level'], text: string) => {
    checks.push({ level, text });
    if (!flags.json) (level === 'ok' ? ok : level === 'warn' ? warn : fail)(io, text);
  };

  let urlUsable = false;
  try {
    const url = checkBaseUrl(connection.url);
    urlUsable = true;
    add('ok', `URL ${url.origin}${url.pathname}`);
    if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      add('warn', 'the URL is not https: the API key would travel in clear text');
    }
    if (!url.pathname.endsWith('/api/sendmessage/CRM')) {
      add('warn', `the path ${url.pathname} is not /api/sendmessage/CRM, the documented OpenConnect path`);
    }
  } catch (error) {
    add('fail', error instanceof OpenConnectError ? `${error.message}: ${error.hint}` : String(error));
  }

  if (!connection.jwt)
    add(
      'fail',
      'no API key: set OPENCONNECT_JWT (Experience Cloud > System Settings > API Key, type OpenConnect)',
    );
  else if (connection.jwt !== connection.jwt.trim())
    add('fail', 'the API key has leading or trailing whitespace: paste it again');
  else add('ok', `API key present (${connection.jwt.length} characters)`);

  if (!connection.crmid)
    add(
      'fail',
      'no CRM id: set OPENCONNECT_CRMID (the Oracle Service Cloud/Fusion domain, or the Zendesk hostname)',
    );
  else if (/^[a-z]+:\/\//i.test(connection.crmid) || connection.crmid.includes('/')) {
    add(
      'warn',
      `the CRM id "${connection.crmid}" looks like a URL; OpenConnect expects the bare domain or hostname, e.g. acme.zendesk.com`,
    );
  } else add('ok', `CRM id ${connection.crmid}`);

  if (flags.event !== undefined) {
    const warnings = eventNameWarnings(flags.event);
    for (const warning of warnings) add('warn', warning);
    if (!warnings.length)
      add(
        'ok',
        `event name "${flags.event}" (length ${flags.event.length}); it must match the PopFlow event exactly, case included`,
      );
  } else {
    add(
      'warn',
      'no --event given: the event name is the first reason a PopFlow does not fire (it is case- and length-sensitive); pass it to check it',
    );
  }
  if (flags.agentid !== undefined && flags.agentid !== flags.agentid.trim()) {
    add('warn', `the agentid "${flags.agentid}" has leading or trailing whitespace`);
  }

  if (flags.send && urlUsable && connection.jwt && connection.crmid) {
    const client = createOpenConnectClient({
      baseUrl: connection.url,
      jwt: connection.jwt,
      crmid: connection.crmid,
      method: connection.method,
      timeoutMs: connection.timeoutMs,
    });
    try {
      const result = await client.send({
        agentid: flags.agentid ?? 'openconnect-doctor',
        event: flags.event ?? 'openconnect-doctor',
        props: { source: 'openconnect doctor' },
      });
      add(
        'ok',
        `OpenConnect reachable and the key accepted (HTTP ${result.status}, ${Math.round(result.durationMs)} ms)`,
      );
      add(
        'warn',
        'an accepted message does not prove a PopFlow ran: the agent must be logged in, and a PopFlow published to this exact event name',
      );
    } catch (error) {
      if (!(error instanceof OpenConnectError)) throw error;
      add('fail', `${error.message}: ${error.hint}`);
    } finally {
      client.close();
    }
  } else if (!flags.send) {
    add('warn', 'skipped the test send (--no-send)');
  }

  const failed = checks.filter((c) => c.level === 'fail').length;
  if (flags.json) {
    io.out(JSON.stringify({ ok: failed === 0, problems: failed, checks }));
    return failed ? EXIT.failed : EXIT.ok;
  }
  io.out(failed ? `${failed} problem${failed > 1 ? 's' : ''} to fix.` : 'No problems found.');
  return failed ? EXIT.failed : EXIT.ok;
}
