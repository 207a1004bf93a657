// A local HTTP server that answers like Genesys Cloud's login host (POST /oauth/token) and Users API
// (GET /api/v2/users/{id}), so the real axios client is exercised on 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GenesysEmulator {
  url: string;
  tokenRequests: number;
  userRequests: string[];
  /** Answer every request with this status (e.g. 500) instead of the normal answer. */
  failWith?: number;
  /** Answer the Users API (not the login host) with this status instead of the normal answer. */
  failUsersWith?: number;
  /** The body granting this token, to leave a field out (default access_token, token_type, expires_in). */
  tokenBody?: (token: string) => Record<string, unknown>;
  /** The users the Users API knows, by id (USERS to start with). */
  users: Record<string, Partial<{ username: string; email: string; name: string }>>;
  /** Forget the issued tokens, as if they expired or were revoked. */
  revokeTokens(): void;
  close(): Promise<void>;
}

export const CLIENT_ID = 'oc-test-client';
export const CLIENT_SECRET = 'oc-test-client-secret-0123';

export const USERS: Record<string, { username: string; email: string; name: string }> = {
  '2c1f0e9d-aaaa-4bbb-8ccc-000000000001': {
    username: 'maria.garcia',
    email: 'maria.garcia@example.com',
    name: 'Maria Garcia',
  },
  '2c1f0e9d-aaaa-4bbb-8ccc-000000000002': { username: 'li.wei', email: 'li.wei@example.com', name: 'Li Wei' },
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (chunk) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
  });

export async function startGenesysEmulator(): Promise<GenesysEmulator> {
  const tokens = new Set<string>();
  let issued = 0;
  const state: Omit<GenesysEmulator, 'url' | 'close' | 'revokeTokens'> = {
    tokenRequests: 0,
    userRequests: [],
    users: { ...USERS },
  };

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (emulator.failWith)
      return json(res, emulator.failWith, { message: 'service unavailable', status: emulator.failWith });
    if (req.method === 'POST' && path === '/oauth/token') {
      emulator.tokenRequests += 1;
      // The login host reads the grant only from a form body (RFC 6749).
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded')
        return json(res, 400, { error: 'invalid_request', description: 'form body expected' });
      const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
      if (
        req.headers.authorization !== basic ||
        new URLSearchParams(body).get('grant_type') !== 'client_credentials'
      ) {
        return json(res, 400, { error: 'invalid_client', description: 'client not found' });
      }
      issued += 1;
      const token = `emulated-token-${issued}`;
      tokens.add(token);
      return json(
        res,
        200,
        emulator.tokenBody?.(token) ?? { access_token: token, token_type: 'bearer', expires_in: 86399 },
      );
    }
    const user = /^\/api\/v2\/users\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && user) {
      const id = decodeURIComponent(user[1]!);
      emulator.userRequests.push(id);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !tokens.has(token))
        return json(res, 401, {
          message: 'Authentication failed',
          code: 'authentication.required',
          status: 401,
        });
      if (emulator.failUsersWith)
        return json(res, emulator.failUsersWith, {
          message: `emulated HTTP ${emulator.failUsersWith}`,
          status: emulator.failUsersWith,
        });
      const found = emulator.users[id];
      if (!found) return json(res, 404, { message: `user ${id} not found`, code: 'not.found', status: 404 });
      return json(res, 200, { id, ...found, state: 'active', version: 3, selfUri: `/api/v2/users/${id}` });
    }
    return json(res, 404, { message: 'no such route', status: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const emulator: GenesysEmulator = {
    ...state,
    url: `http://127.0.0.1:${port}`,
    revokeTokens: () => tokens.clear(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return emulator;
}
