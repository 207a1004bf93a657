// The Contact Center Agent Status API the emulator also serves, for agent id → login look-ups:
// GET /api/v1/tenants/{tenant}/agentstatus/agents/{agentId}, Basic {user}:{action token}.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the API answers for an agent besides its id (8x8 documents `name`, `agent-status`...). */
export type EmulatedAgent = { name: string } & Record<string, unknown>;

const PATH = /^\/api\/v1\/tenants\/([^/]+)\/agentstatus\/agents\/([^/]+)$/;

export function createAgentStatusApi(options: {
  tenant: string;
  user: string;
  token: string;
  agents: Record<string, EmulatedAgent>;
  count(): void;
}) {
  const faults: { status: number; left: number }[] = [];
  const expected = `Basic ${Buffer.from(`${options.user}:${options.token}`).toString('base64')}`;
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  return {
    user: options.user,
    token: options.token,
    fail(status: number, times: number) {
      faults.push({ status, left: times });
    },
    /** Answers the request when it is for this API; false otherwise. */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      const match = PATH.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      if (!match || req.method !== 'GET') return false;
      options.count();
      const fault = faults[0];
      if (fault) {
        if (--fault.left <= 0) faults.shift();
        json(res, fault.status, { status: fault.status, title: 'fault injected by the emulator' });
        return true;
      }
      if (req.headers.authorization !== expected) {
        json(res, 401, { status: 401, title: 'Authentication or authorization failed for this request.' });
        return true;
      }
      const [, tenant, agentId] = match as unknown as [string, string, string];
      if (decodeURIComponent(tenant) !== options.tenant) {
        json(res, 403, { status: 403, title: 'You are not authorized to access this tenant.' });
        return true;
      }
      const agent = options.agents[decodeURIComponent(agentId)];
      if (!agent) json(res, 404, { status: 404, title: 'The agent does not exist.' });
      else
        json(res, 200, {
          'agent-id': decodeURIComponent(agentId),
          'agent-status': 1,
          'agent-sub-status': 'none',
          ...agent,
        });
      return true;
    },
  };
}
