// The baseline for the intake benchmark: a bare Fastify handler that parses the same JSON and answers 200.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/webhooks/acme/events', async (request) => {
  const body = request.body as { id?: unknown };
  return { ok: typeof body === 'object' && body !== null && 'id' in body };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}` })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
