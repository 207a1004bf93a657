// `openconnect send`: the connectivity test the OpenConnect guide asks for (step 6), one line per outcome.
import { createOpenConnectClient, OpenConnectError } from '@openconnect/core';
import { EXIT, fail, type Io, ok, warn } from '../output.js';
import { type ConnectionFlags, connectionFrom, parseProps, UsageError } from '../settings.js';

export interface SendFlags extends ConnectionFlags {
  agentid: string;
  event: string;
  prop: string[];
  /** One JSON object on stdout instead of lines: { ok, status, durationMs, warnings } or { ok: false, error, hint }. */
  json?: boolean;
}

export async function sendCommand(
  flags: SendFlags,
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (!flags.json) return send(flags, io, env);
  try {
    return await send(flags, io, env, (outcome) => io.out(JSON.stringify(outcome)));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.out(JSON.stringify({ ok: false, error: error.message, code: 'usage' }));
    return EXIT.usage;
  }
}

async function send(
  flags: SendFlags,
  io: Io,
  env: NodeJS.ProcessEnv,
  json?: (outcome: Record<string, unknown>) => void,
): Promise<number> {
  const connection = connectionFrom(flags, env);
  if (!connection.jwt)
    throw new UsageError(
      'no API key: pass --jwt or set OPENCONNECT_JWT (an Experience Cloud key of type OpenConnect)',
    );
  if (!connection.crmid)
    throw new UsageError(
      'no CRM id: pass --crmid or set OPENCONNECT_CRMID (the Oracle domain or Zendesk hostname)',
    );
  let client: ReturnType<typeof createOpenConnectClient> | undefined;
  try {
    client = createOpenConnectClient({
      baseUrl: connection.url,
      jwt: connection.jwt,
      crmid: connection.crmid,
      method: connection.method,
      timeoutMs: connection.timeoutMs,
    });
    const result = await client.send({
      agentid: flags.agentid,
      event: flags.event,
      props: parseProps(flags.prop),
    });
    if (json) {
      json({
        ok: true,
        agentid: flags.agentid,
        event: flags.event,
        method: connection.method,
        status: result.status,
        durationMs: Math.round(result.durationMs),
        warnings: result.warnings,
      });
      return EXIT.ok;
    }
    for (const warning of result.warnings) warn(io, warning);
    ok(
      io,
      `sent event "${flags.event}" for agent ${flags.agentid} by ${connection.method}: OpenConnect answered ${result.status} in ${Math.round(result.durationMs)} ms`,
    );
    io.out(
      '  If no PopFlow ran: the agent must be logged in to the OpenMethods client, the PopFlow must be published to exactly this event name (case and length), and the key must be the current one.',
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof OpenConnectError) {
      const code = error.code === 'config' || error.code === 'validation' ? EXIT.usage : EXIT.failed;
      if (json) {
        json({
          ok: false,
          error: error.message,
          hint: error.hint,
          code: error.code,
          ...(error.status !== undefined ? { status: error.status } : {}),
        });
        return code;
      }
      fail(io, `${error.message}`);
      io.err(`  what to do: ${error.hint}`);
      return code;
    }
    throw error;
  } finally {
    client?.close();
  }
}
