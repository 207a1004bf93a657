// The Pulsar emulator refuses what 8x8's proxy refuses and behaves as the Pulsar WebSocket API documents,
// seen from a bare `ws` client: auth, flow control, acks, negative acks, redelivery, readers, topics,
// close codes, the idle timeout, and the Agent Status API.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type PulsarEmulator,
  type PulsarEmulatorOptions,
  startPulsarEmulator,
} from '../src/emulators/index.js';

let emulator: PulsarEmulator;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await emulator?.close();
});

const start = async (options: PulsarEmulatorOptions = {}) => {
  emulator = await startPulsarEmulator(options);
  return emulator;
};

interface Frame {
  messageId: string;
  payload: string;
  redeliveryCount: number;
  [key: string]: unknown;
}

/** A client socket with everything it received; resolves once open, or with the refusal status. */
function connect(path: string, headers: Record<string, string> = { 'X-API-Key': emulator.apiKey }) {
  const socket = new WebSocket(`${emulator.url}${path}`, { headers });
  sockets.push(socket);
  const frames: Frame[] = [];
  const texts: string[] = [];
  socket.on('message', (data) => {
    texts.push(data.toString());
    frames.push(JSON.parse(data.toString()));
  });
  const opened = new Promise<number>((resolve, reject) => {
    socket.on('open', () => resolve(101));
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', reject);
  });
  const closed = new Promise<{ code: number; error?: Error & { code?: string } }>((resolve) => {
    let error: (Error & { code?: string }) | undefined;
    socket.on('error', (e) => {
      error = e;
    });
    socket.on('close', (code) => resolve({ code, ...(error ? { error } : {}) }));
  });
  return {
    socket,
    frames,
    texts,
    opened,
    closed,
    send: (command: unknown) => socket.send(JSON.stringify(command)),
  };
}

const consumerPath = (query = '', subscription = 'sub-1', topic = 'all') =>
  `/ws/v2/consumer/persistent/${emulator.tenant}/event-v1/${topic}/${subscription}${query}`;
const until = async (check: () => boolean, what: string, timeoutMs = 3_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
const event = (i: number, type = 'InteractionAccepted') => ({
  Interaction: { event: type, interactionGUID: `int-${i}`, agentId: 'agA' },
});
const decode = (frame: Frame) => JSON.parse(Buffer.from(frame.payload, 'base64').toString('utf8'));

describe('Pulsar emulator: authentication as 8x8 checks it', () => {
  it('refuses a missing or wrong X-API-Key with 401 and accepts the header or ?x-api-key=', async () => {
    await start();
    expect(await connect(consumerPath(), {}).opened).toBe(401);
    expect(await connect(consumerPath(), { 'X-API-Key': 'eght_wrong' }).opened).toBe(401);
    expect(await connect(consumerPath(), { 'x-api-key': emulator.apiKey }).opened).toBe(101);
    expect(
      await connect(consumerPath(`?x-api-key=${encodeURIComponent(emulator.apiKey)}`, 'sub-2'), {}).opened,
    ).toBe(101);
    expect(emulator.counters.refused).toBe(2);
  });

  it("refuses another tenant's topic with 403 and an unknown namespace or path with 404", async () => {
    await start();
    expect(await connect('/ws/v2/consumer/persistent/other-tenant/event-v1/all/sub-1').opened).toBe(403);
    expect(await connect(`/ws/v2/consumer/persistent/${emulator.tenant}/billing/all/sub-1`).opened).toBe(404);
    expect(await connect('/ws/v1/consumer/persistent/x').opened).toBe(404);
  });

  it('refuses a second consumer of an Exclusive subscription with 409, and lets Failover consumers wait', async () => {
    await start();
    expect(await connect(consumerPath('?subscriptionType=Exclusive')).opened).toBe(101);
    expect(await connect(consumerPath('?subscriptionType=Exclusive')).opened).toBe(409);
    expect(await connect(consumerPath('?subscriptionType=Failover', 'sub-f')).opened).toBe(101);
    expect(await connect(consumerPath('?subscriptionType=Failover', 'sub-f')).opened).toBe(101);
  });

  it('refuses invalid consumer options with 400', async () => {
    await start();
    expect(await connect(consumerPath('?subscriptionType=Sometimes')).opened).toBe(400);
    expect(await connect(consumerPath('?receiverQueueSize=0')).opened).toBe(400);
  });

  it('after rotateKey accepts only the new key and closes open sessions with Pulsar error 5', async () => {
    await start();
    const old = emulator.apiKey;
    const client = connect(consumerPath());
    await client.opened;
    emulator.controls.rotateKey('eght_rotated0123456789');
    const closed = await client.closed;
    expect(closed.error?.code).toBe('WS_ERR_INVALID_CLOSE_CODE');
    expect(closed.error?.message).toContain('invalid status code 5');
    expect(await connect(consumerPath(), { 'X-API-Key': old }).opened).toBe(401);
    expect(await connect(consumerPath(), { 'X-API-Key': 'eght_rotated0123456789' }).opened).toBe(101);
  });

  it('answers the queued refusals first, a 429 with Retry-After', async () => {
    await start();
    emulator.controls.refuse(429, { retryAfterSeconds: 7 });
    const refused = new WebSocket(`${emulator.url}${consumerPath()}`, {
      headers: { 'X-API-Key': emulator.apiKey },
    });
    sockets.push(refused);
    refused.on('error', () => {});
    const retryAfter = await new Promise((resolve) =>
      refused.on('unexpected-response', (_q, res) => resolve(res.headers['retry-after'])),
    );
    expect(retryAfter).toBe('7');
    expect(await connect(consumerPath()).opened).toBe(101);
  });
});

describe('Pulsar emulator: consumers', () => {
  it('sends each event as a base64 frame with increasing message ids, from the subscription on', async () => {
    await start();
    emulator.push(event(0)); // before the subscription exists: not for it (initial position latest)
    const client = connect(consumerPath());
    await client.opened;
    const ids = emulator.push([event(1), event(2)]);
    await until(() => client.frames.length === 2, 'two frames');
    expect(client.frames.map((f) => f.messageId)).toEqual(ids);
    expect(ids).toEqual(['CAcQAg==', 'CAcQAw==']);
    expect(client.frames.map(decode)).toEqual([event(1), event(2)]);
    expect(client.frames[0]).toMatchObject({ properties: {}, redeliveryCount: 0 });
    expect(typeof client.frames[0]!.publishTime).toBe('string');
  });

  it('stops at receiverQueueSize unacknowledged frames and resumes on ack', async () => {
    await start();
    const client = connect(consumerPath('?receiverQueueSize=2'));
    await client.opened;
    emulator.push([event(1), event(2), event(3), event(4), event(5)]);
    await until(() => client.frames.length === 2, 'two frames');
    await new Promise((r) => setTimeout(r, 50));
    expect(client.frames.length).toBe(2);
    client.send({ messageId: client.frames[0]!.messageId });
    await until(() => client.frames.length === 3, 'the third frame after one ack');
    await new Promise((r) => setTimeout(r, 50));
    expect(client.frames.length).toBe(3);
    expect(emulator.counters).toMatchObject({ acks: 1, unacked: 4 });
  });

  it('redelivers a negatively acknowledged frame after negativeAckRedeliveryDelay with redeliveryCount + 1', async () => {
    await start();
    const client = connect(consumerPath('?negativeAckRedeliveryDelay=100'));
    await client.opened;
    const [id] = emulator.push(event(1));
    await until(() => client.frames.length === 1, 'the frame');
    const nackedAt = Date.now();
    client.send({ type: 'negativeAcknowledge', messageId: id });
    await until(() => client.frames.length === 2, 'the redelivery');
    expect(Date.now() - nackedAt).toBeGreaterThanOrEqual(90);
    expect(client.frames[1]).toMatchObject({ messageId: id, redeliveryCount: 1 });
    client.send({ messageId: id });
    await until(() => emulator.counters.acks === 1, 'the ack');
    expect(emulator.counters).toMatchObject({ nacks: 1, redeliveries: 1, unacked: 0 });
  });

  it('redelivers what one consumer left unacknowledged to the next consumer of the durable subscription', async () => {
    await start();
    const first = connect(consumerPath());
    await first.opened;
    const ids = emulator.push([event(1), event(2)]);
    await until(() => first.frames.length === 2, 'two frames');
    first.send({ messageId: ids[0] });
    await until(() => emulator.counters.acks === 1, 'the ack');
    first.socket.terminate();
    await first.closed;
    emulator.push(event(3)); // while nobody listens: kept for the subscription
    const next = connect(consumerPath());
    await next.opened;
    await until(() => next.frames.length === 2, 'the unacknowledged frame and the new one');
    expect(next.frames.map((f) => [f.messageId, f.redeliveryCount])).toEqual([
      [ids[1], 1],
      ['CAcQAw==', 0],
    ]);
  });

  it('sends a Failover subscription to its first consumer only, and to the next when it leaves', async () => {
    await start();
    const active = connect(consumerPath('?subscriptionType=Failover'));
    await active.opened;
    const standby = connect(consumerPath('?subscriptionType=Failover'));
    await standby.opened;
    emulator.push(event(1));
    await until(() => active.frames.length === 1, 'the frame on the active consumer');
    expect(standby.frames).toEqual([]);
    active.socket.terminate();
    await until(() => standby.frames.length === 1, 'the frame on the standby consumer');
    expect(standby.frames[0]!.redeliveryCount).toBe(1);
  });

  it('gives an event-type topic only the events of that type', async () => {
    await start();
    const client = connect(consumerPath('', 'sub-1', 'InteractionAccepted'));
    await client.opened;
    emulator.push([
      event(1, 'InteractionAssigned'),
      event(2, 'InteractionAccepted'),
      { AgentStatusChange: { agentId: 'agA' } },
    ]);
    await until(() => client.frames.length === 1, 'one frame');
    await new Promise((r) => setTimeout(r, 50));
    expect(client.frames.map(decode)).toEqual([event(2, 'InteractionAccepted')]);
  });

  it('sends every frame twice while duplicates are on, and again on redeliverUnacked, each with redeliveryCount + 1', async () => {
    await start();
    const client = connect(consumerPath());
    await client.opened;
    emulator.controls.duplicates();
    const [id] = emulator.push(event(1));
    await until(() => client.frames.length === 2, 'two copies');
    emulator.controls.duplicates(false);
    emulator.controls.redeliverUnacked();
    await until(() => client.frames.length === 3, 'the redelivery');
    expect(client.frames.map((f) => [f.messageId, f.redeliveryCount])).toEqual([
      [id, 0],
      [id, 1],
      [id, 1],
    ]);
  });

  it('answers isEndOfTopic with a control frame and closes with Pulsar error 3 on a command that is not JSON', async () => {
    await start();
    const client = connect(consumerPath());
    await client.opened;
    client.send({ type: 'isEndOfTopic' });
    await until(() => client.texts.length === 1, 'the answer');
    expect(client.texts[0]).toBe('{"endOfTopic":"false"}');
    client.socket.send('{"messageId": ');
    const closed = await client.closed;
    expect(closed.error?.message).toContain('invalid status code 3');
  });

  it('sends malformed and control frames on demand; bad payloads are messages with ids to acknowledge', async () => {
    await start();
    const client = connect(consumerPath());
    await client.opened;
    emulator.controls.sendMalformed('bad-base64');
    emulator.controls.sendMalformed('bad-json');
    emulator.controls.sendControl();
    emulator.controls.sendMalformed('no-message-id');
    await until(() => client.frames.length === 4, 'four frames');
    expect(client.frames[0]).toMatchObject({ messageId: 'CAcQAQ==', payload: 'not base64!' });
    expect(Buffer.from(client.frames[1]!.payload, 'base64').toString()).toBe('{"Interaction": {"event": ');
    expect(client.frames[2]).toEqual({ endOfTopic: 'false' });
    expect(client.frames[3]!.messageId).toBeUndefined();
    expect(emulator.counters.unacked).toBe(2);
  });

  it('stops sending and answering pings while stalled, and resumes after', async () => {
    await start();
    const client = connect(consumerPath());
    await client.opened;
    emulator.controls.stall();
    let pongs = 0;
    client.socket.on('pong', () => {
      pongs += 1;
    });
    client.socket.ping();
    emulator.push(event(1));
    await new Promise((r) => setTimeout(r, 100));
    expect([client.frames.length, pongs]).toEqual([0, 0]);
    emulator.controls.stall(false);
    client.socket.ping();
    await until(() => client.frames.length === 1 && pongs === 1, 'the frame and a pong');
  });
});

describe('Pulsar emulator: readers, close codes and the idle timeout', () => {
  it('reads from earliest, latest or after a message id, without redelivery', async () => {
    await start();
    const ids = emulator.push([event(1), event(2), event(3)]);
    const reader = (messageId: string) =>
      connect(
        `/ws/v2/reader/persistent/${emulator.tenant}/event-v1/all?messageId=${encodeURIComponent(messageId)}`,
      );
    const earliest = reader('earliest');
    const after = reader(ids[0]!);
    const latest = reader('latest');
    await Promise.all([earliest.opened, after.opened, latest.opened]);
    emulator.push(event(4));
    await until(
      () => earliest.frames.length === 4 && after.frames.length === 3 && latest.frames.length === 1,
      'the frames',
    );
    earliest.socket.terminate();
    await earliest.closed;
    expect(emulator.counters.redeliveries).toBe(0);
  });

  it('closes with an RFC 6455 code as such, and with Pulsar codes 1–8 as they are on the wire', async () => {
    await start();
    const standard = connect(consumerPath());
    await standard.opened;
    emulator.controls.closeWith(1011, 'restarting');
    expect((await standard.closed).code).toBe(1011);
    const pulsar = connect(consumerPath());
    await pulsar.opened;
    emulator.controls.closeWith(2, 'Failed to subscribe');
    expect((await pulsar.closed).error?.message).toBe('Invalid WebSocket frame: invalid status code 2');
  });

  it('closes a socket the client left silent for the idle timeout (1001), and keeps one it pings', async () => {
    await start({ idleTimeoutMs: 200 });
    const silent = connect(consumerPath());
    const pinging = connect(consumerPath('', 'sub-2'));
    await Promise.all([silent.opened, pinging.opened]);
    const timer = setInterval(() => pinging.socket.ping(), 80);
    expect((await silent.closed).code).toBe(1001);
    await new Promise((r) => setTimeout(r, 300));
    clearInterval(timer);
    expect(pinging.socket.readyState).toBe(WebSocket.OPEN);
    expect(emulator.counters.idleTimeouts).toBe(1);
    expect(emulator.counters.pings).toBeGreaterThanOrEqual(4);
  });

  it('pings every socket when pingIntervalMs is set, and counts the pongs', async () => {
    await start({ pingIntervalMs: 50 });
    const client = connect(consumerPath());
    await client.opened;
    await until(() => emulator.counters.pongs >= 2, 'two pongs');
  });
});

describe('Pulsar emulator: Agent Status API', () => {
  const get = (path: string, auth?: string) =>
    fetch(`${emulator.agentApiUrl}${path}`, auth ? { headers: { authorization: auth } } : {});
  const basic = () =>
    `Basic ${Buffer.from(`${emulator.agentApiUser}:${emulator.agentApiToken}`).toString('base64')}`;

  it('answers the agent with Basic credentials, 401 without, 403 for another tenant, 404 for an unknown agent', async () => {
    await start({ agents: { agB: { name: 'li.wei' } } });
    const ok = await get(`/tenants/${emulator.tenant}/agentstatus/agents/agB`, basic());
    expect([ok.status, await ok.json()]).toEqual([
      200,
      { 'agent-id': 'agB', 'agent-status': 1, 'agent-sub-status': 'none', name: 'li.wei' },
    ]);
    expect((await get(`/tenants/${emulator.tenant}/agentstatus/agents/agB`)).status).toBe(401);
    expect((await get('/tenants/other/agentstatus/agents/agB', basic())).status).toBe(403);
    expect((await get(`/tenants/${emulator.tenant}/agentstatus/agents/agZ`, basic())).status).toBe(404);
    emulator.controls.failAgentApi(503);
    expect((await get(`/tenants/${emulator.tenant}/agentstatus/agents/agB`, basic())).status).toBe(503);
    expect(emulator.counters.agentLookups).toBe(5);
  });
});
