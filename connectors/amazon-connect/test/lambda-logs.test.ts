// What each bundled Lambda handler tells the operator: the one JSON line per invocation (per record for the agent
// stream) that CloudWatch receives, field by field, with the console method that sets its level; and the edges of
// each handler's contract with Lambda (batch item failures, the deadline, events that are not what it expects).
import { describe, expect, it, vi } from 'vitest';
import type * as AgentStreamModule from '../src/lambda/agent-stream.js';
import { fixture, type LoggedLine, useLambdas } from './lambda-harness.js';
import { AGENT_ARN, USER_ID } from './values.js';

const deploy = useLambdas();
const { envWith } = deploy;

/** Runs `invoke` and returns what it logged: each line parsed, with its console method. */
async function logOf<T>(
  invoke: () => Promise<T>,
): Promise<{ result: T; lines: (LoggedLine & { entry: unknown })[] }> {
  const from = deploy.written.length;
  const result = await invoke();
  const lines = deploy.written.slice(from).map((line) => ({ ...line, entry: JSON.parse(line.line) }));
  return { result, lines };
}

const OPENCONNECT_503 = 'OpenConnect answered HTTP 503: {"error":"emulated failure"}';

describe('agent-stream Lambda log and batch item failures', () => {
  type Batch = { Records: AgentStreamModule.KinesisRecord[] };
  /** Heartbeat (ignored), CONNECTED (answered), STATE_CHANGE (agent_state): three records of one shard. */
  const records = () => (fixture('agent-stream/kinesis-batch.json').request.body as unknown as Batch).Records;
  const [, answered, stateChange] = records().map((r) => r.kinesis.sequenceNumber);
  // The record as DynamoDB Streams delivers it: no `kinesis` field.
  const dynamodb = () =>
    ({
      eventID: 'c4ca4238a0b923820dcc509a6f75849b',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-central-1',
      dynamodb: {
        ApproximateCreationDateTime: 1764062000,
        Keys: { Id: { N: '101' } },
        NewImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
        SequenceNumber: '111',
        SizeBytes: 26,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN:
        'arn:aws:dynamodb:eu-central-1:210987654321:table/AgentEvents/stream/2026-11-25T08:00:00.000',
    }) as unknown as AgentStreamModule.KinesisRecord;

  it('logs nothing for a record it ignores or sends', async () => {
    const { result, lines } = await logOf(() => deploy.agentStream.handler({ Records: records() }));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(lines).toEqual([]);
  });

  it('logs the record it stops at for a retry as an error, naming its sequence number and why', async () => {
    deploy.emulator.failNext(1, 503);
    const { result, lines } = await logOf(() => deploy.agentStream.handler({ Records: records() }));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: answered }] });
    expect(lines).toEqual([
      {
        method: 'error',
        line: expect.any(String),
        entry: {
          level: 'error',
          connector: 'amazon-connect',
          source: 'agent-stream',
          sequence: answered,
          status: 'retry',
          reason: OPENCONNECT_503,
        },
      },
    ]);
  });

  it('logs a record OpenConnect refuses for good (401) as failed, and goes on', async () => {
    deploy.emulator.failNext(1, 401);
    const { result, lines } = await logOf(() => deploy.agentStream.handler({ Records: records() }));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(lines.map(({ method, entry }) => ({ method, entry }))).toEqual([
      {
        method: 'error',
        entry: {
          level: 'error',
          connector: 'amazon-connect',
          source: 'agent-stream',
          sequence: answered,
          status: 'failed',
          reason: expect.stringMatching(/^OpenConnect rejected the API key \(HTTP 401\)/),
        },
      },
    ]);
  });

  it('logs a record it cannot read as a skipped warning with the reason, and goes on', async () => {
    const batch = records();
    batch[1]!.kinesis.data = 'not base64!';
    const { result, lines } = await logOf(() => deploy.agentStream.handler({ Records: batch }));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(lines.map(({ method, entry }) => ({ method, entry }))).toEqual([
      {
        method: 'warn',
        entry: {
          level: 'warn',
          connector: 'amazon-connect',
          source: 'agent-stream',
          sequence: answered,
          status: 'skipped',
          reason: `Records.0 (sequence ${answered}): kinesis.data is not base64`,
        },
      },
    ]);
    expect(deploy.emulator.messages.map((m) => m.event)).toEqual(['agent_state']);
  });

  it('skips a record of another event source (a DynamoDB stream wired to it by mistake) instead of failing the batch', async () => {
    const { result, lines } = await logOf(() => deploy.agentStream.handler({ Records: [dynamodb()] }));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(lines.map(({ method, entry }) => ({ method, entry }))).toEqual([
      {
        method: 'warn',
        entry: {
          level: 'warn',
          connector: 'amazon-connect',
          source: 'agent-stream',
          status: 'skipped',
          reason:
            'the Kinesis event is not as expected at Records.0.kinesis: Invalid input: expected object, received undefined',
        },
      },
    ]);
  });

  describe('deadline: one send timeout (OPENCONNECT_TIMEOUT_MS, 5 s by default) plus a 1 s margin', () => {
    /** A fresh deployment with the default timeout, and Lambda's clock saying `left` ms for every record. */
    const run = (left: number) =>
      logOf(() =>
        deploy.agentStream.createAgentStreamHandler({ env: envWith({ OPENCONNECT_TIMEOUT_MS: undefined }) })(
          { Records: records().slice(1) },
          { getRemainingTimeInMillis: () => left },
        ),
      );

    it('starts the next record with 6001 ms or exactly 6000 ms left', async () => {
      for (const left of [6001, 6000]) {
        expect((await run(left)).result).toEqual({ batchItemFailures: [] });
      }
      expect(deploy.emulator.messages.map((m) => m.event)).toEqual([
        'answered',
        'agent_state',
        'answered',
        'agent_state',
      ]);
    });

    it('with 5999 ms left stops, reports the record it did not start, and logs a warning saying so', async () => {
      const { result, lines } = await run(5999);
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: stateChange }] });
      expect(deploy.emulator.messages.map((m) => m.event)).toEqual(['answered']);
      expect(lines.map(({ method, entry }) => ({ method, entry }))).toEqual([
        {
          method: 'warn',
          entry: {
            level: 'warn',
            connector: 'amazon-connect',
            source: 'agent-stream',
            sequence: stateChange,
            status: 'retry',
            reason: '5999 ms left of the Lambda timeout; the rest of the batch comes again',
          },
        },
      ]);
    });

    it('follows OPENCONNECT_TIMEOUT_MS: 2 s of send timeout stop the batch below 3000 ms left', async () => {
      const handler = deploy.agentStream.createAgentStreamHandler({
        env: envWith({ OPENCONNECT_TIMEOUT_MS: '2000' }),
      });
      const answers = [];
      for (const left of [3000, 2999]) {
        answers.push(
          await handler({ Records: records().slice(1) }, { getRemainingTimeInMillis: () => left }),
        );
      }
      expect(answers).toEqual([
        { batchItemFailures: [] },
        { batchItemFailures: [{ itemIdentifier: stateChange }] },
      ]);
    });

    it('reports an empty item identifier, so Lambda retries the whole batch, for a record it cannot name at the deadline', async () => {
      const handler = deploy.agentStream.createAgentStreamHandler({ env: envWith({}) });
      const { result, lines } = await logOf(() =>
        handler({ Records: [records()[1]!, dynamodb()] }, { getRemainingTimeInMillis: () => 5999 }),
      );
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '' }] });
      expect(lines.map(({ method, entry }) => ({ method, entry }))).toEqual([
        {
          method: 'warn',
          entry: {
            level: 'warn',
            connector: 'amazon-connect',
            source: 'agent-stream',
            status: 'retry',
            reason: '5999 ms left of the Lambda timeout; the rest of the batch comes again',
          },
        },
      ]);
    });

    it('has no deadline when the context has no clock, as a local harness may call it', async () => {
      const handler = deploy.agentStream.createAgentStreamHandler({ env: envWith({}) });
      expect(await handler({ Records: records() }, {})).toEqual({ batchItemFailures: [] });
      expect(deploy.emulator.messages).toHaveLength(2);
    });
  });

  it('answers no failures to an event without records (the Lambda console’s hello-world test event, or null)', async () => {
    const handler = deploy.agentStream.handler as (event: unknown) => Promise<unknown>;
    const from = deploy.written.length;
    expect(await handler({ key1: 'value1', key2: 'value2', key3: 'value3' })).toEqual({
      batchItemFailures: [],
    });
    expect(await handler(null)).toEqual({ batchItemFailures: [] });
    expect(deploy.emulator.messages).toEqual([]);
    expect(deploy.written.slice(from)).toEqual([]);
  });
});

describe('contact-flow Lambda log', () => {
  const whisper = () => fixture('contact-flow/whisper-answered.json').request.body;

  it('logs a sent pop as info, with the answer’s fields and the detail', async () => {
    const { lines } = await logOf(() => deploy.contactFlow.handler(whisper()));
    expect(lines).toEqual([
      {
        method: 'log',
        line: '{"level":"info","connector":"amazon-connect","source":"contact-flow","openconnectStatus":"sent","reason":"sent","detail":"sent answered to maria.lopez"}',
        entry: expect.anything(),
      },
    ]);
  });

  it('logs an ignored invocation as info and a failed one as an error', async () => {
    deploy.emulator.failNext(1, 503);
    const { lines } = await logOf(async () => {
      await deploy.contactFlow.handler(fixture('contact-flow/no-agent-parameter.json').request.body);
      await deploy.contactFlow.handler(whisper());
    });
    expect(lines.map(({ method, entry }) => ({ method, entry }))).toEqual([
      {
        method: 'log',
        entry: {
          level: 'info',
          connector: 'amazon-connect',
          source: 'contact-flow',
          openconnectStatus: 'ignored',
          reason: 'ignored',
          detail: expect.stringContaining('"agentLogin"'),
        },
      },
      {
        method: 'error',
        entry: {
          level: 'error',
          connector: 'amazon-connect',
          source: 'contact-flow',
          openconnectStatus: 'failed',
          reason: 'server_error',
          detail: OPENCONNECT_503,
        },
      },
    ]);
  });

  it('answers "ignored" when EVENTS_JSON switches the moment off, the log saying so', async () => {
    const handler = deploy.contactFlow.createContactFlowHandler({
      env: envWith({ EVENTS_JSON: '{"answered":null}' }),
    });
    const { result, lines } = await logOf(() => handler(whisper()));
    expect(result).toEqual({ openconnectStatus: 'ignored', reason: 'ignored' });
    expect(lines.map(({ method, entry }) => ({ method, entry }))).toEqual([
      {
        method: 'log',
        entry: {
          level: 'info',
          connector: 'amazon-connect',
          source: 'contact-flow',
          openconnectStatus: 'ignored',
          reason: 'ignored',
          detail: 'the event map switches off answered',
        },
      },
    ]);
    expect(deploy.emulator.messages).toEqual([]);
  });

  it('takes the configured timeout as its budget when the context has no clock', async () => {
    deploy.emulator.setDelay(3000);
    const handler = deploy.contactFlow.createContactFlowHandler({
      env: envWith({ OPENCONNECT_TIMEOUT_MS: '200' }),
    });
    const { result, lines } = await logOf(() => handler(whisper(), {}));
    expect(result).toEqual({ openconnectStatus: 'failed', reason: 'timeout' });
    expect(lines.map(({ entry }) => (entry as { detail: string }).detail)).toEqual([
      'OpenConnect did not answer within 200 ms',
    ]);
  });

  it('leaves no timer behind once it has answered (a frozen container would carry it into the next call)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      expect(await deploy.contactFlow.handler(whisper())).toEqual({
        openconnectStatus: 'sent',
        reason: 'sent',
      });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('EventBridge Lambda log', () => {
  const disconnected = () => fixture('eventbridge/disconnected.json').request.body;
  const eventId = disconnected().id;
  const base = { connector: 'amazon-connect', source: 'eventbridge' };

  it('logs a sent event as info with its id and the count sent', async () => {
    const { lines } = await logOf(() => deploy.eventBridge.handler(disconnected()));
    expect(lines).toEqual([
      {
        method: 'log',
        line: `{"level":"info","connector":"amazon-connect","source":"eventbridge","eventId":"${eventId}","status":"sent","sent":1}`,
        entry: expect.anything(),
      },
    ]);
  });

  it('logs an ignored event as info with its id and the reason', async () => {
    const queued = fixture('eventbridge/queued.json').request.body;
    const { lines } = await logOf(() => deploy.eventBridge.handler(queued));
    expect(lines.map(({ method, entry }) => ({ method, entry }))).toEqual([
      {
        method: 'log',
        entry: {
          level: 'info',
          ...base,
          eventId: queued.id,
          status: 'ignored',
          reason: 'contact event QUEUED is not an agent moment (no PopFlow event for it)',
        },
      },
    ]);
  });

  it('logs an event it could not process (Connect API down) as an error to retry, and throws', async () => {
    deploy.connectApi.failWith = 500;
    const handler = deploy.eventBridge.createEventBridgeHandler({ env: envWith({}) });
    const from = deploy.written.length;
    const reason =
      `amazon-connect/eventbridge could not process the request: Amazon Connect DescribeUser for ${AGENT_ARN(USER_ID.aisha)} ` +
      'failed (InternalServiceException: emulated outage); check the region, the network path to the Connect API and ' +
      'the IAM permissions connect:DescribeUser / connect:GetContactAttributes / connect:DescribeContact';
    await expect(handler(disconnected())).rejects.toThrow(reason);
    expect(
      deploy.written.slice(from).map(({ method, line }) => ({ method, entry: JSON.parse(line) })),
    ).toEqual([{ method: 'error', entry: { level: 'error', ...base, status: 'retry', reason } }]);
  });

  it('logs an event that is no contact event as failed, an error', async () => {
    const { result, lines } = await logOf(() => deploy.eventBridge.handler({ hello: 'world' }));
    expect(lines.map(({ method, entry }) => ({ method, entry }))).toEqual([
      { method: 'error', entry: { level: 'error', ...base, status: 'failed', reason: result.reason } },
    ]);
  });

  it('logs a send OpenConnect may take later (503) as an error to retry, with the event id, and throws', async () => {
    deploy.emulator.failNext(1, 503);
    const from = deploy.written.length;
    await expect(deploy.eventBridge.handler(disconnected())).rejects.toThrow(OPENCONNECT_503);
    expect(
      deploy.written.slice(from).map(({ method, line }) => ({ method, entry: JSON.parse(line) })),
    ).toEqual([
      {
        method: 'error',
        entry: { level: 'error', ...base, eventId, status: 'retry', reason: OPENCONNECT_503 },
      },
    ]);
  });

  it('logs a send OpenConnect refuses for good (401) as failed, with the event id, and answers the same reason', async () => {
    deploy.emulator.failNext(1, 401);
    const { result, lines } = await logOf(() => deploy.eventBridge.handler(disconnected()));
    expect(result).toEqual({
      status: 'failed',
      reason: expect.stringMatching(/^OpenConnect rejected/),
      sent: 0,
    });
    expect(lines.map(({ method, entry }) => ({ method, entry }))).toEqual([
      {
        method: 'error',
        entry: { level: 'error', ...base, eventId, status: 'failed', reason: result.reason },
      },
    ]);
  });
});
