// The Lambda deploy, as AWS would run it: the build bundles each handler (test/build-lambdas.ts runs it once per
// test run), and the tests import the bundled files and invoke them against the OpenConnect emulator and a local
// Connect API (loopback only; test/lambda-harness.ts). What each handler logs: lambda-logs.test.ts.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EMULATOR_DEFAULT_JWT } from '@openconnect/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as AgentStreamModule from '../src/lambda/agent-stream.js';
import { bundle, CRMID, fixture, useLambdas } from './lambda-harness.js';
import { AGENT_ARN, BUILD_TIME_JWT, INSTANCE_ID, USER_ID } from './values.js';

const deploy = useLambdas();
const { logged, envWith } = deploy;
const lastLog = () => JSON.parse(logged.at(-1) ?? '{}') as { detail?: string; reason?: string };

describe('build', () => {
  it('bundles each handler into one ESM file that imports the AWS SDK from the Lambda runtime', () => {
    for (const name of ['contact-flow', 'eventbridge', 'agent-stream']) {
      const code = readFileSync(bundle(name), 'utf8');
      expect(code).not.toMatch(/from ["']@openconnect\/core["']/);
      expect(code).not.toContain('class DescribeUserCommand');
    }
    expect(readFileSync(bundle('eventbridge'), 'utf8')).toMatch(/from ["']@aws-sdk\/client-connect["']/);
  });

  it('holds no jwt: neither the one in the build environment nor the emulator test key', () => {
    for (const name of ['contact-flow', 'eventbridge', 'agent-stream']) {
      const code = readFileSync(bundle(name), 'utf8');
      expect(code).not.toContain(BUILD_TIME_JWT);
      expect(code).not.toContain(EMULATOR_DEFAULT_JWT);
    }
  });
});

describe('contact-flow Lambda', () => {
  const whisper = () => fixture('contact-flow/whisper-answered.json').request.body;

  it('sends the pop to OpenConnect and answers the flow with a flat string map', async () => {
    const answer = await deploy.contactFlow.handler(whisper(), { getRemainingTimeInMillis: () => 7900 });
    expect(answer).toEqual({ openconnectStatus: 'sent', reason: 'sent' });
    expect(lastLog().detail).toBe('sent answered to maria.lopez');
    expect(
      deploy.emulator.messages.map(({ agentid, crmid, event, props }) => ({ agentid, crmid, event, props })),
    ).toEqual([
      {
        agentid: 'maria.lopez',
        crmid: CRMID,
        event: 'answered',
        props: {
          lifecycle: 'answered',
          customerNumber: 'K-100245',
          language: 'de',
          caseId: '00042917',
          'attributes.lifecycle': 'shadowed',
          'attributes.jwt': 'not-the-openconnect-jwt',
          nativeEvent: 'ContactFlowEvent',
          interactionId: 'c3a1e5f7-0b2d-4e6f-8a1c-3e5f7a9b1d20',
          ani: '+4915112345678',
          dnis: '+498912345600',
          channel: 'voice',
          direction: 'inbound',
          queue: 'Support DE',
          queueId: '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
          initialContactId: 'c3a1e5f7-0b2d-4e6f-8a1c-3e5f7a9b1d20',
          previousContactId: 'c3a1e5f7-0b2d-4e6f-8a1c-3e5f7a9b1d20',
          initiationMethod: 'INBOUND',
          leg: 'primary',
        },
      },
    ]);
  });

  it('names the PopFlow event from EVENTS_JSON and reads the agent from AGENT_PARAMETER', async () => {
    const handler = deploy.contactFlow.createContactFlowHandler({
      env: envWith({ EVENTS_JSON: '{"answered":"On Answer"}', AGENT_PARAMETER: 'agentUser' }),
    });
    const event = whisper() as { Details: { Parameters: Record<string, string> } };
    event.Details.Parameters = { agentUser: 'tom.becker' };
    expect(await handler(event)).toEqual({ openconnectStatus: 'sent', reason: 'sent' });
    expect(lastLog().detail).toBe('sent On Answer to tom.becker');
    expect(deploy.emulator.messages.map((m) => [m.agentid, m.event])).toEqual([['tom.becker', 'On Answer']]);
  });

  it('answers "failed" with a code, instead of throwing, when OpenConnect fails; the log says why', async () => {
    deploy.emulator.failNext(1, 503);
    expect(await deploy.contactFlow.handler(whisper())).toEqual({
      openconnectStatus: 'failed',
      reason: 'server_error',
    });
    expect(lastLog().detail).toBe('OpenConnect answered HTTP 503: {"error":"emulated failure"}');
  });

  it('answers "failed" within its budget when OpenConnect is slow', async () => {
    deploy.emulator.setDelay(3000);
    const handler = deploy.contactFlow.createContactFlowHandler({
      env: envWith({ OPENCONNECT_TIMEOUT_MS: '300' }),
    });
    const started = performance.now();
    const answer = await handler(whisper());
    expect(performance.now() - started).toBeLessThan(1500);
    expect(answer).toEqual({ openconnectStatus: 'failed', reason: 'timeout' });
    expect(lastLog().detail).toMatch(/within 300 ms/);
  });

  it('keeps to the time Lambda has left when that is shorter than the budget', async () => {
    deploy.emulator.setDelay(3000);
    const started = performance.now();
    const answer = await deploy.contactFlow.handler(whisper(), { getRemainingTimeInMillis: () => 650 });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(answer).toEqual({ openconnectStatus: 'failed', reason: 'timeout' });
    expect(lastLog().detail).toBe('OpenConnect did not answer within 400 ms');
  });

  it('caps its budget at 6 s, whatever OPENCONNECT_TIMEOUT_MS says, since Connect stops waiting at 8 s', () => {
    expect(deploy.contactFlow.contactFlowBudget(20_000, 30_000)).toBe(6000);
  });

  it('takes the configured timeout when it is the shortest limit', () => {
    expect(deploy.contactFlow.contactFlowBudget(3000, 30_000)).toBe(3000);
  });

  it('answers "ignored" and sends nothing when the block passes no agent', async () => {
    const answer = await deploy.contactFlow.handler(
      fixture('contact-flow/no-agent-parameter.json').request.body,
    );
    expect(answer).toEqual({ openconnectStatus: 'ignored', reason: 'ignored' });
    expect(lastLog().detail).toContain('"agentLogin"');
    expect(deploy.emulator.messages).toEqual([]);
  });

  it('answers "failed" naming the variable when the deployment lacks OPENCONNECT_JWT', async () => {
    const handler = deploy.contactFlow.createContactFlowHandler({
      env: envWith({ OPENCONNECT_JWT: undefined }),
    });
    expect(await handler(whisper())).toEqual({ openconnectStatus: 'failed', reason: 'config' });
    expect(lastLog().detail).toBe('OPENCONNECT_JWT is not set');
  });

  it('answers "failed" naming the variable when DIRECTORY_JSON is not JSON or OPENCONNECT_TIMEOUT_MS not positive', async () => {
    for (const [env, detail] of [
      [{ DIRECTORY_JSON: '{"maria"' }, 'DIRECTORY_JSON is not valid JSON'],
      [{ OPENCONNECT_TIMEOUT_MS: '0' }, 'OPENCONNECT_TIMEOUT_MS must be a positive number'],
      [{ OPENCONNECT_TIMEOUT_MS: 'soon' }, 'OPENCONNECT_TIMEOUT_MS must be a positive number'],
    ] as const) {
      const handler = deploy.contactFlow.createContactFlowHandler({ env: envWith(env) });
      expect(await handler(whisper())).toEqual({ openconnectStatus: 'failed', reason: 'config' });
      expect(lastLog().detail).toBe(detail);
    }
  });

  it('answers "failed" naming the variable when OPENCONNECT_CRMID is unset or USER_CACHE_TTL_MS is no positive number', async () => {
    for (const [env, detail] of [
      [{ OPENCONNECT_CRMID: '  ' }, 'OPENCONNECT_CRMID is not set'],
      [{ USER_CACHE_TTL_MS: '-5' }, 'USER_CACHE_TTL_MS must be a positive number'],
    ] as const) {
      const handler = deploy.contactFlow.createContactFlowHandler({ env: envWith(env) });
      expect(await handler(whisper())).toEqual({ openconnectStatus: 'failed', reason: 'config' });
      expect(lastLog().detail).toBe(detail);
    }
  });

  it('takes blank JSON variables as unset, and trims OPENCONNECT_URL', async () => {
    const handler = deploy.contactFlow.createContactFlowHandler({
      env: envWith({
        DIRECTORY_JSON: '  ',
        EVENTS_JSON: ' ',
        OPENCONNECT_URL: ` ${deploy.emulator.endpoint} `,
        OPENCONNECT_METHOD: '',
      }),
    });
    expect(await handler(whisper())).toEqual({ openconnectStatus: 'sent', reason: 'sent' });
    expect(deploy.emulator.messages.map((m) => [m.agentid, m.event, m.method])).toEqual([
      ['maria.lopez', 'answered', 'POST'],
    ]);
  });

  it('reads OpenConnect’s own block parameters unless OPENCONNECT_PARAMETERS is false, in any case', async () => {
    const event = whisper() as { Details: { Parameters: Record<string, string> } };
    event.Details.Parameters = { agentid: 'tom.becker' };
    const answers = [];
    for (const value of [' False ', 'TRUE', undefined]) {
      const env = envWith({ OPENCONNECT_PARAMETERS: value });
      answers.push(
        (await deploy.contactFlow.createContactFlowHandler({ env })(structuredClone(event)))
          .openconnectStatus,
      );
    }
    expect(answers).toEqual(['ignored', 'sent', 'sent']);
  });

  it('reads the lifecycle from LIFECYCLE_PARAMETER and the method from OPENCONNECT_METHOD in any case', async () => {
    const handler = deploy.contactFlow.createContactFlowHandler({
      env: envWith({ LIFECYCLE_PARAMETER: 'moment', OPENCONNECT_METHOD: ' get ' }),
    });
    const event = whisper() as { Details: { Parameters: Record<string, string> } };
    event.Details.Parameters = { agentLogin: 'maria.lopez', moment: 'offered' };
    expect(await handler(event)).toEqual({ openconnectStatus: 'sent', reason: 'sent' });
    expect(deploy.emulator.messages.map((m) => [m.agentid, m.event, m.method])).toEqual([
      ['maria.lopez', 'offered', 'GET'],
    ]);
  });

  it('applies the prop policy from PROPS_JSON', async () => {
    const handler = deploy.contactFlow.createContactFlowHandler({
      env: envWith({ PROPS_JSON: '{"drop":["queue","queueId"],"rename":{"caseId":"ticket"}}' }),
    });
    expect(await handler(whisper())).toEqual({ openconnectStatus: 'sent', reason: 'sent' });
    const [props] = deploy.emulator.messages.map((m) => m.props);
    expect(props).toMatchObject({ ticket: '00042917', customerNumber: 'K-100245' });
    expect(Object.keys(props!).filter((key) => ['queue', 'queueId', 'caseId'].includes(key))).toEqual([]);
  });

  it('answers "failed" for an event that is not a contact-flow invocation', async () => {
    const answer = await deploy.contactFlow.handler({ hello: 'world' });
    expect(answer).toEqual({ openconnectStatus: 'failed', reason: 'bad_input' });
    expect(lastLog().detail).toContain('contact-flow event is not as expected at Details');
  });

  it('never puts the jwt in its answer or its log line', async () => {
    deploy.emulator.failNext(1, 401);
    logged.length = 0;
    const answer = await deploy.contactFlow.handler(whisper());
    expect(answer).toEqual({ openconnectStatus: 'failed', reason: 'auth_rejected' });
    expect(logged).toHaveLength(1);
    expect(logged.join('\n')).not.toContain(EMULATOR_DEFAULT_JWT);
  });
});

describe('contact-flow Lambda answer', () => {
  const whisper = () => fixture('contact-flow/whisper-answered.json').request.body;

  it('returns only values a flow accepts (letters, digits, - and _), whatever happened, far under 32 KB', async () => {
    deploy.emulator.failNext(1, 503);
    const answers = [
      await deploy.contactFlow.handler(whisper()),
      await deploy.contactFlow.handler(whisper()),
      await deploy.contactFlow.handler(fixture('contact-flow/no-agent-parameter.json').request.body),
      await deploy.contactFlow.handler({ hello: 'world' }),
      await deploy.contactFlow.createContactFlowHandler({ env: envWith({ OPENCONNECT_JWT: undefined }) })(
        whisper(),
      ),
    ];
    for (const answer of answers) {
      for (const value of Object.values(answer)) expect(value).toMatch(deploy.contactFlow.FLOW_VALUE);
      expect(Buffer.byteLength(JSON.stringify(answer))).toBeLessThan(32 * 1024);
    }
    expect(answers.map((a) => a.reason)).toEqual(['server_error', 'sent', 'ignored', 'bad_input', 'config']);
  });

  it('makes any code safe for the flow', () => {
    expect(deploy.contactFlow.flowValue('a code: with spaces/and.dots')).toBe('a_code__with_spaces_and_dots');
    expect(deploy.contactFlow.flowValue('x'.repeat(100))).toHaveLength(64);
    expect(deploy.contactFlow.flowValue('')).toBe('error');
  });

  it('holds a whole value to Connect’s rule, not just its start or its end', () => {
    const rule = deploy.contactFlow.FLOW_VALUE;
    expect(['sent', 'auth_rejected', 'x'.repeat(64)].map((value) => rule.test(value))).toEqual([
      true,
      true,
      true,
    ]);
    expect(['not sent', 'sent!', '!sent', 'x'.repeat(65), ''].map((value) => rule.test(value))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('EventBridge Lambda', () => {
  const disconnected = () => fixture('eventbridge/disconnected.json').request.body;

  it('resolves the agent with DescribeUser and sends the message', async () => {
    expect(await deploy.eventBridge.handler(disconnected())).toEqual({
      status: 'sent',
      reason: 'ended to aisha.khan',
      sent: 1,
    });
    expect(deploy.emulator.messages.map((m) => [m.agentid, m.event, m.props.interactionId])).toEqual([
      ['aisha.khan', 'ended', 'e5c3a7b9-2d4f-4081-8c3e-5a7b9c1d3f42'],
    ]);
  });

  it('uses the directory from DIRECTORY_JSON before DescribeUser', async () => {
    deploy.connectApi.calls.length = 0;
    const answer = await deploy.eventBridge.handler(fixture('eventbridge/completed.json').request.body);
    expect(answer).toEqual({ status: 'sent', reason: 'completed to maria.lopez', sent: 1 });
    expect(deploy.connectApi.calls).toEqual([]);
  });

  it('adds the customer number from DescribeContact when CUSTOMER_ENDPOINT is true', async () => {
    deploy.connectApi.contacts.set(`${INSTANCE_ID}/e5c3a7b9-2d4f-4081-8c3e-5a7b9c1d3f42`, {
      customer: '+4915112345678',
    });
    const handler = deploy.eventBridge.createEventBridgeHandler({
      env: envWith({ CUSTOMER_ENDPOINT: 'true' }),
    });
    expect(await handler(disconnected())).toEqual({ status: 'sent', reason: 'ended to aisha.khan', sent: 1 });
    expect(deploy.emulator.messages.map((m) => m.props.ani)).toEqual(['+4915112345678']);
  });

  it('adds the contact attributes from GetContactAttributes when CONTACT_ATTRIBUTES is true', async () => {
    deploy.connectApi.attributes.set(`${INSTANCE_ID}/e5c3a7b9-2d4f-4081-8c3e-5a7b9c1d3f42`, {
      caseId: '00042917',
    });
    const sent = [];
    for (const value of ['true', undefined]) {
      const handler = deploy.eventBridge.createEventBridgeHandler({
        env: envWith({ CONTACT_ATTRIBUTES: value }),
      });
      await handler(disconnected());
      sent.push(deploy.emulator.messages.at(-1)!.props.caseId);
    }
    expect(sent).toEqual(['00042917', undefined]);
  });

  it('makes a warm transfer’s second agent a consult leg, or a transfer when CONSULT_LEGS is false', async () => {
    deploy.connectApi.users.set(`${INSTANCE_ID}/${USER_ID.tom}`, 'tom.becker');
    const steps = (
      JSON.parse(
        readFileSync(join(import.meta.dirname, '../fixtures/eventbridge/call-consult.json'), 'utf8'),
      ) as {
        steps: { request: { body: unknown } }[];
      }
    ).steps.slice(0, 3);
    const legs = [];
    for (const value of [undefined, 'false']) {
      const handler = deploy.eventBridge.createEventBridgeHandler({ env: envWith({ CONSULT_LEGS: value }) });
      for (const step of steps) await handler(structuredClone(step.request.body));
      legs.push(deploy.emulator.messages.at(-1)!.props.leg);
    }
    expect(legs).toEqual(['consult', 'transfer']);
  });

  it('returns "ignored" for an event without an agent', async () => {
    const answer = await deploy.eventBridge.handler(fixture('eventbridge/queued.json').request.body);
    expect(answer).toEqual({
      status: 'ignored',
      reason: 'contact event QUEUED is not an agent moment (no PopFlow event for it)',
      sent: 0,
    });
    expect(deploy.emulator.messages).toEqual([]);
  });

  it('throws, so Lambda retries, when OpenConnect is unavailable', async () => {
    deploy.emulator.failNext(1, 503);
    await expect(deploy.eventBridge.handler(disconnected())).rejects.toThrow('OpenConnect answered HTTP 503');
  });

  it('throws, so Lambda retries, when the Connect API is unavailable', async () => {
    deploy.connectApi.failWith = 500;
    const handler = deploy.eventBridge.createEventBridgeHandler({ env: envWith({}) });
    await expect(handler(disconnected())).rejects.toThrow(
      `Amazon Connect DescribeUser for ${AGENT_ARN(USER_ID.aisha)} failed`,
    );
    expect(deploy.emulator.messages).toEqual([]);
  });

  it('returns "failed", sending nothing and not asking for a retry, for an event that is no contact event', async () => {
    logged.length = 0;
    const answer = await deploy.eventBridge.handler({ hello: 'world' });
    expect(answer).toMatchObject({ status: 'failed', sent: 0 });
    expect(answer.reason).toContain('contact event');
    expect(JSON.parse(logged.at(-1)!)).toMatchObject({
      level: 'error',
      status: 'failed',
      reason: answer.reason,
    });
    expect(deploy.emulator.messages).toEqual([]);
  });

  it('returns "failed" without a retry when OpenConnect refuses the key (a retry cannot help)', async () => {
    deploy.emulator.failNext(1, 401);
    const answer = await deploy.eventBridge.handler(disconnected());
    expect(answer.status).toBe('failed');
    expect(answer.reason).toContain('OpenConnect rejected the API key (HTTP 401)');
  });
});

describe('agent-stream Lambda', () => {
  type Batch = { Records: AgentStreamModule.KinesisRecord[] };
  const batch = () => fixture('agent-stream/kinesis-batch.json').request.body as unknown as Batch;

  it('sends every message of the batch in order and reports no failures', async () => {
    expect(await deploy.agentStream.handler(batch())).toEqual({ batchItemFailures: [] });
    expect(deploy.emulator.messages.map((m) => [m.agentid, m.event, m.props.nativeEvent])).toEqual([
      ['aisha.khan', 'answered', 'CONNECTED'],
      ['aisha.khan', 'agent_state', 'STATE_CHANGE'],
    ]);
  });

  it('reports the first record OpenConnect did not take, and sends nothing after it', async () => {
    const records = batch().Records;
    deploy.emulator.failNext(1, 503);
    expect(await deploy.agentStream.handler({ Records: records })).toEqual({
      batchItemFailures: [{ itemIdentifier: records[1]!.kinesis.sequenceNumber }],
    });
    expect(deploy.emulator.messages).toEqual([]);
  });

  it('stops before the Lambda timeout and reports the first record it did not start', async () => {
    const records = batch().Records;
    // 60 s left for the first two records, then less than one send timeout (5 s) plus the margin.
    const left = [60_000, 60_000, 5_500];
    const context = { getRemainingTimeInMillis: () => left.shift() ?? 0 };
    expect(await deploy.agentStream.handler({ Records: records }, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: records[2]!.kinesis.sequenceNumber }],
    });
    expect(deploy.emulator.messages.map((m) => [m.agentid, m.event])).toEqual([['aisha.khan', 'answered']]);
  });

  it('always handles the first record, however little time is left', async () => {
    const records = batch().Records.slice(1, 2);
    expect(
      await deploy.agentStream.handler({ Records: records }, { getRemainingTimeInMillis: () => 100 }),
    ).toEqual({
      batchItemFailures: [],
    });
    expect(deploy.emulator.messages).toHaveLength(1);
  });

  it('goes on past a record OpenConnect refuses for good (401), logging it as failed', async () => {
    const records = batch().Records;
    deploy.emulator.failNext(1, 401);
    logged.length = 0;
    expect(await deploy.agentStream.handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(deploy.emulator.messages.map((m) => [m.agentid, m.event])).toEqual([
      ['aisha.khan', 'agent_state'],
    ]);
    const lines = logged.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ level, status, sequence }) => ({ level, status, sequence }))).toEqual([
      { level: 'error', status: 'failed', sequence: records[1]!.kinesis.sequenceNumber },
    ]);
  });

  it('reports a record for retry when the Connect API cannot give its customer number', async () => {
    const records = batch().Records;
    deploy.connectApi.failWith = 500;
    logged.length = 0;
    const handler = deploy.agentStream.createAgentStreamHandler({
      env: envWith({ CUSTOMER_ENDPOINT: 'true' }),
    });
    expect(await handler({ Records: records })).toEqual({
      batchItemFailures: [{ itemIdentifier: records[1]!.kinesis.sequenceNumber }],
    });
    expect(deploy.emulator.messages).toEqual([]);
    expect(JSON.parse(logged.at(-1)!)).toMatchObject({
      level: 'error',
      source: 'agent-stream',
      status: 'retry',
      reason: expect.stringContaining('Amazon Connect DescribeContact for contact'),
    });
  });

  it('skips a record that cannot be read instead of blocking the shard', async () => {
    const records = batch().Records;
    records[0]!.kinesis.data = 'not base64!';
    expect(await deploy.agentStream.handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(deploy.emulator.messages).toHaveLength(2);
  });
});

describe('the jwt, whatever OpenConnect answers', () => {
  let echo: http.Server;
  let echoUrl: string;
  beforeAll(async () => {
    // An OpenConnect that fails and quotes the request it got (URL with the jwt, as GET sends it) back.
    echo = http.createServer((req, res) => res.writeHead(500).end(`cannot handle ${req.url}`));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/api/sendmessage/CRM`;
  });
  afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

  it("never reaches any handler's answer, error or log line", async () => {
    const env = envWith({ OPENCONNECT_URL: echoUrl, OPENCONNECT_METHOD: 'GET' });
    logged.length = 0;
    const answers = [
      await deploy.contactFlow.createContactFlowHandler({ env })(
        fixture('contact-flow/whisper-answered.json').request.body,
      ),
      await deploy.eventBridge
        .createEventBridgeHandler({ env })(fixture('eventbridge/completed.json').request.body)
        .catch((error: Error) => error.message),
      await deploy.agentStream.createAgentStreamHandler({ env })(
        fixture('agent-stream/kinesis-batch.json').request.body as never,
      ),
    ];
    const text = JSON.stringify(answers) + logged.join('\n');
    // OpenConnect did quote the jwt back: the handlers removed it.
    expect(text).toContain('jwt=[redacted]');
    expect(text).not.toContain(EMULATOR_DEFAULT_JWT);
  });
});
