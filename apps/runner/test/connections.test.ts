// Connections are bounded, so idle sockets cannot use up the process's file descriptors and keep every
// other client out: a cap per client address, a cap on all of them (idle ones shed first, each refusal
// counted), and a
// request that must have arrived whole within limits.requestTimeoutMs, however slowly its bytes trickle in.
// Real sockets on loopback; 127.0.0.2 and up are other clients (Linux routes all of 127/8 to lo).
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigProblems, loadConfig } from '../src/config.js';
import { startTestRunner, type TestRunner, until } from './helpers/runner.js';

interface Idle {
  socket: net.Socket;
  closed: boolean;
}

const opened: Idle[] = [];

/** Opens `count` connections from `localAddress` that send nothing; resolves once all are connected. */
async function openIdle(t: TestRunner, localAddress: string, count: number): Promise<Idle[]> {
  const { port } = new URL(t.runner.url);
  const idle = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Idle>((resolve, reject) => {
          const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress });
          const entry: Idle = { socket, closed: false };
          socket.on('close', () => {
            entry.closed = true;
          });
          socket.on('error', () => {}); // a refused connection may be reset; 'close' follows
          socket.once('connect', () => resolve(entry));
          socket.once('error', reject);
        }),
    ),
  );
  opened.push(...idle);
  return idle;
}

const closedCount = (idle: Idle[]) => idle.filter((i) => i.closed).length;

/** One request on an open socket; resolves with the status line of the answer. */
function statusLineOn(socket: net.Socket, path: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk) => resolve(chunk.toString('latin1').split('\r\n')[0]!));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: runner\r\n\r\n`);
  });
}

async function refused(t: TestRunner, reason: string): Promise<number> {
  const metric = await t.runner.metrics.registry
    .getSingleMetric('openconnect_connections_refused_total')
    ?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

afterEach(() => {
  for (const { socket } of opened.splice(0)) socket.destroy();
});

describe('a cap per client address', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({ config: { limits: { connectionsPerClient: 5, maxConnections: 100 } } });
  });
  afterAll(() => t.close());

  it('closes the idle sockets of one client beyond the cap, and another client is still served', async () => {
    const idle = await openIdle(t, '127.0.0.2', 15);
    await until(() => closedCount(idle) === 10, 10_000, 'ten sockets closed by the runner');
    expect(await refused(t, 'per_client')).toBe(10);
    expect((await fetch(`${t.runner.url}/healthz`)).status).toBe(200);
    // The five within the cap are served connections, not dead ones.
    const kept = idle.filter((i) => !i.closed);
    expect(kept).toHaveLength(5);
    expect(await statusLineOn(kept[0]!.socket, '/healthz')).toBe('HTTP/1.1 200 OK');
  });
});

describe('a cap on all connections', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({ config: { limits: { connectionsPerClient: 5, maxConnections: 12 } } });
  });
  afterAll(() => t.close());

  const evicted = async () =>
    (await t.runner.metrics.registry.getSingleMetric('openconnect_connections_evicted_total')?.get())
      ?.values[0]?.value ?? 0;

  it('makes room by closing the oldest idle connections, so idle sockets from many addresses keep no client out', async () => {
    const first = await openIdle(t, '127.0.0.3', 5);
    const later = [...(await openIdle(t, '127.0.0.4', 5)), ...(await openIdle(t, '127.0.0.5', 5))];
    // 15 connections for 12 places: the three oldest make room, the newer ones stay open.
    await until(() => closedCount([...first, ...later]) === 3, 10_000, 'three idle sockets closed');
    expect(closedCount(first)).toBe(3);
    expect(closedCount(later)).toBe(0);
    expect(await evicted()).toBe(3);
    expect(await refused(t, 'max_connections')).toBe(0);
    // A new client is served at once, in the place of the oldest idle connection left.
    const [client] = await openIdle(t, '127.0.0.10', 1);
    expect(await statusLineOn(client!.socket, '/healthz')).toBe('HTTP/1.1 200 OK');
    expect(closedCount(first)).toBe(4);
  });

  it('refuses a new connection, counted, only when every connection has a request in progress', async () => {
    const { port } = new URL(t.runner.url);
    const open = async () =>
      (await t.runner.metrics.registry.getSingleMetric('openconnect_connections_open')?.get())?.values[0]
        ?.value;
    await until(async () => (await open()) === 0, 5_000, "the last test's sockets closed");
    // Twelve requests in progress: headers sent, the body still to come.
    const busy = await openIdle(t, '127.0.0.6', 0);
    for (const address of ['127.0.0.6', '127.0.0.7', '127.0.0.8'])
      busy.push(...(await openIdle(t, address, 4)));
    await until(() => closedCount(busy) === 0 && busy.length === 12, 5_000, 'twelve connections');
    const before = await evicted();
    for (const { socket } of busy)
      socket.write(
        `POST /webhooks/acme/events HTTP/1.1\r\nHost: runner\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
      );
    await new Promise((r) => setTimeout(r, 200));
    const extra = new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress: '127.0.0.9' });
      socket.on('error', () => {});
      socket.once('close', () => resolve(true));
      opened.push({ socket, closed: false });
    });
    expect(await extra).toBe(true);
    expect(closedCount(busy)).toBe(0);
    expect(await refused(t, 'max_connections')).toBe(1);
    expect(await evicted()).toBe(before);
  });
});

describe('the request timeout', () => {
  let t: TestRunner;
  beforeAll(async () => {
    t = await startTestRunner({ config: { limits: { requestTimeoutMs: 1000 } } });
  });
  afterAll(() => t.close());

  it('closes a connection that sends nothing', async () => {
    const [idle] = await openIdle(t, '127.0.0.6', 1);
    await until(() => idle!.closed, 15_000, 'the idle socket closed by the runner');
  });

  it('cuts a body that trickles in with 408 before it is complete', async () => {
    const { port } = new URL(t.runner.url);
    const length = 1000; // at one byte per 50 ms, 50 s to send whole
    const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress: '127.0.0.7' });
    opened.push({ socket, closed: false });
    let sent = 0;
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.once('connect', () => {
      socket.write(
        `POST /webhooks/acme/events HTTP/1.1\r\nHost: runner\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
      );
      const drip = setInterval(() => {
        if (socket.destroyed || sent === length) return clearInterval(drip);
        socket.write(' ');
        sent += 1;
      }, 50);
    });
    await closed;
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(sent).toBeLessThan(length);
  }, 20_000);

  it('cuts headers that trickle in with 408', async () => {
    const { port } = new URL(t.runner.url);
    const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress: '127.0.0.8' });
    opened.push({ socket, closed: false });
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.once('connect', () => {
      socket.write('GET /healthz HTTP/1.1\r\n');
      const drip = setInterval(
        () => (socket.destroyed ? clearInterval(drip) : socket.write('x-drip: 1\r\n')),
        50,
      );
    });
    await closed;
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
  }, 20_000);
});

describe('connection settings', () => {
  it('defaults: 30 s per request, 800 connections, 200 from one address', () => {
    expect(loadConfig({ available: [], env: {} }).limits).toMatchObject({
      requestTimeoutMs: 30_000,
      maxConnections: 800,
      connectionsPerClient: 200,
    });
  });

  it('names values that cannot be limits', () => {
    let problems: string[] = [];
    try {
      loadConfig({
        available: [],
        env: {},
        document: { limits: { requestTimeoutMs: 10, maxConnections: 0, connectionsPerClient: -1 } },
      });
    } catch (error) {
      problems = (error as ConfigProblems).problems;
    }
    expect(problems).toEqual([
      'limits.requestTimeoutMs: 10 is not a whole number of milliseconds (at least 1000)',
      'limits.maxConnections: 0 is not a whole number of connections greater than 0',
      'limits.connectionsPerClient: -1 is not a whole number of connections (0: no cap)',
    ]);
  });
});
