// `openconnect send`: the connectivity test the OpenConnect guide asks for (step 6), one line per outcome.
import { createOpenConnectClient, OpenConnectError } from '@openconnect/core';
import { EXIT, fail, type Io, ok, warn } from '../output.js';
import { type ConnectionFlags, connectionFrom, parseProps, UsageError } from '../settings.js';

export interface SendFlags extends ConnectionFlags {
  agentid: string;
  event: string;
  prop: string[];
}

export async function sendCommand(flags: SendFlags, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const connection = connectionFrom(flags, env);
  if (!connection.jwt) throw new UsageError('no API key: pass --jwt or set OPENCONNECT_JWT (an Experience Cloud key of type OpenConnect)');
  if (!connection.crmid) throw new UsageError('no CRM id: pass --crmid or set OPENCONNECT_CRMID (the Oracle domain or Zendesk hostname)');
  let client: ReturnType<typeof createOpenConnectClient> | undefined;
  try {
    client = createOpenConnectClient({
      baseUrl: connection.url,
      jwt: connection.jwt,
      crmid: connection.crmid,
      method: connection.method,
      timeoutMs: connection.timeoutMs,
    });
    const result = await client.send({ agentid: flags.agentid, event: flags.event, props: parseProps(flags.prop) });
    for (const warning of result.warnings) warn(io, warning);
    ok(io, `sent event "${flags.event}" for agent ${flags.agentid} by ${connection.method}: OpenConnect answered ${result.status} in ${Math.round(result.durationMs)} ms`);
    io.out('  If no PopFlow ran: the agent must be logged in to the OpenMethods client, the PopFlow must be published to exactly this event name (case and length), and the key must be the current one.');
    return EXIT.ok;
  } catch (error) {
    if (error instanceof OpenConnectError) {
      fail(io, `${error.message}`);
      io.err(`  what to do: ${error.hint}`);
      return error.code === 'config' || error.code === 'validation' ? EXIT.usage : EXIT.failed;
    }
    throw error;
  } finally {
    client?.close();
  }
}
