// The stack as CloudFormation receives it (aws-cdk-lib/assertions on the synthesized template, no AWS
// account): what each resource is, who may do what, and where events go.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFixtures } from '@openconnect/core/fixtures';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateStack } from '../lib/template.js';
import {
  connectAccessProblems,
  danglingReferences,
  type Json,
  list,
  matches,
  ofType,
  type Resource,
  statements,
  type TemplateJson,
} from './template-checks.js';

const repo = join(import.meta.dirname, '../../..');
const secretOf = (parameter: string) => ({
  'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: parameter }, ':SecretString:::}}']],
});
const endpoint = (path: string) => ({ 'Fn::Join': ['', [{ Ref: 'RunnerUrl' }, path]] });

let template: Template;
let json: TemplateJson;
let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'deploy-aws-stack-'));
  template = Template.fromStack(templateStack(outdir));
  json = template.toJSON() as TemplateJson;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The one resource of `type` whose logical id starts with `prefix`. */
function only(type: string, prefix: string): Resource {
  const found = ofType(json, type).filter(([id]) => id.startsWith(prefix));
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0]![1];
}

describe('resources', () => {
  it('has the three Lambdas, one Kinesis mapping, three rules, two connections and two API destinations', () => {
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.resourceCountIs('AWS::Events::Rule', 3);
    template.resourceCountIs('AWS::Events::Connection', 2);
    template.resourceCountIs('AWS::Events::ApiDestination', 2);
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.resourceCountIs('AWS::Connect::IntegrationAssociation', 1);
    // A dead-letter queue for each path that can fail after retries.
    template.resourceCountIs('AWS::SQS::Queue', 4);
  });

  it('runs each bundle with its own handler and the Lambda timeouts the connector README asks for', () => {
    const functions: Record<string, Json> = Object.fromEntries(
      ofType(json, 'AWS::Lambda::Function').map(([, r]) => [r.Properties!.Handler, r.Properties!]),
    );
    expect(Object.keys(functions).sort()).toEqual([
      'agent-stream.handler',
      'contact-flow.handler',
      'eventbridge.handler',
    ]);
    expect(functions['contact-flow.handler']!.Timeout).toBe(5);
    for (const fn of Object.values(functions)) {
      expect(fn.Runtime).toEqual({ Ref: 'LambdaRuntime' });
      expect((fn.Code as Json).S3Key).toEqual({
        'Fn::Join': ['', [{ Ref: 'LambdaCodePrefix' }, `${String(fn.Handler).replace('.handler', '')}.zip`]],
      });
    }
    expect(json.Parameters.LambdaRuntime).toMatchObject({
      Default: 'nodejs22.x',
      AllowedValues: ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'],
    });
  });

  it('gives every Lambda the OpenConnect key from Secrets Manager, never a value', () => {
    for (const [, fn] of ofType(json, 'AWS::Lambda::Function')) {
      expect((fn.Properties!.Environment as Json).Variables).toMatchObject({
        OPENCONNECT_JWT: secretOf('OpenConnectKeySecretArn'),
        OPENCONNECT_CRMID: { Ref: 'OpenConnectCrmId' },
        // Left out when empty, so the connector's default applies.
        OPENCONNECT_URL: {
          'Fn::If': ['IfOpenConnectUrl', { Ref: 'OpenConnectUrl' }, { Ref: 'AWS::NoValue' }],
        },
        DIRECTORY_JSON: { 'Fn::If': ['IfDirectory', { Ref: 'DirectoryJson' }, { Ref: 'AWS::NoValue' }] },
        EVENTS_JSON: { 'Fn::If': ['IfEvents', { Ref: 'EventsJson' }, { Ref: 'AWS::NoValue' }] },
      });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'eventbridge.handler',
      Environment: { Variables: Match.objectLike({ CONTACT_ATTRIBUTES: { Ref: 'ContactAttributes' } }) },
    });
  });

  it('names a bundle the amazon-connect connector builds for each function', () => {
    const sources = readdirSync(join(repo, 'connectors/amazon-connect/src/lambda'));
    for (const [, fn] of ofType(json, 'AWS::Lambda::Function')) {
      const bundle = String(fn.Properties!.Handler).replace('.handler', '');
      expect(sources).toContain(`${bundle}.ts`);
      const source = readFileSync(join(repo, 'connectors/amazon-connect/src/lambda', `${bundle}.ts`), 'utf8');
      expect(source).toMatch(/export const handler\b/);
    }
  });

  it('lets only the Connect instance invoke the contact-flow Lambda, and adds it to the instance', () => {
    const fn = ofType(json, 'AWS::Lambda::Function').find(
      ([, r]) => r.Properties!.Handler === 'contact-flow.handler',
    )![0];
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
      Principal: 'connect.amazonaws.com',
      SourceArn: { Ref: 'ConnectInstanceArn' },
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      InstanceId: { Ref: 'ConnectInstanceArn' },
      IntegrationType: 'LAMBDA_FUNCTION',
      IntegrationArn: { 'Fn::GetAtt': [fn, 'Arn'] },
    });
  });
});

describe('IAM', () => {
  it('grants the Connect API exactly DescribeUser on agents and GetContactAttributes on contacts of the instance', () => {
    expect(connectAccessProblems(json)).toEqual([]);
    const connect = statements(json).filter((s) => list(s.Action).some((a) => a.startsWith('connect:')));
    expect(connect).toEqual([
      {
        Effect: 'Allow',
        Action: 'connect:DescribeUser',
        Resource: { 'Fn::Join': ['', [{ Ref: 'ConnectInstanceArn' }, '/agent/*']] },
      },
      {
        Effect: 'Allow',
        Action: 'connect:GetContactAttributes',
        Resource: { 'Fn::Join': ['', [{ Ref: 'ConnectInstanceArn' }, '/contact/*']] },
      },
    ]);
  });

  it('would catch a widened policy: connect:*, a * resource, the whole instance, a managed policy', () => {
    const widen = (change: (t: TemplateJson) => void): string[] => {
      const copy = structuredClone(json);
      change(copy);
      return connectAccessProblems(copy);
    };
    const policy = (t: TemplateJson) =>
      (
        ofType(t, 'AWS::IAM::Policy').find(([, r]) => JSON.stringify(r).includes('connect:'))![1].Properties!
          .PolicyDocument as Json
      ).Statement as Json[];
    expect(
      widen((t) => {
        policy(t)[0]!.Action = 'connect:*';
      }),
    ).toContain('a statement grants connect:*');
    expect(
      widen((t) => {
        policy(t)[0]!.Resource = '*';
      }),
    ).toContain('connect:DescribeUser is granted on *');
    expect(
      widen((t) => {
        policy(t)[1]!.Resource = { Ref: 'ConnectInstanceArn' };
      }),
    ).toContain('connect:GetContactAttributes is granted on [{"Ref":"ConnectInstanceArn"}]');
    expect(
      widen((t) => void policy(t).push({ Effect: 'Allow', Action: ['connect:ListUsers'], Resource: '*' })),
    ).toContain('a statement grants connect:ListUsers');
    expect(widen((t) => void policy(t).push({ Effect: 'Allow', Action: '*', Resource: '*' }))).toContain(
      'a statement grants *',
    );
    expect(
      widen((t) => {
        const role = ofType(t, 'AWS::IAM::Role')[0]![1];
        role.Properties!.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AmazonConnect_FullAccess'];
      }).some((p) => p.endsWith('has managed policy AmazonConnect_FullAccess')),
    ).toBe(true);
  });

  it('grants no action on * anywhere', () => {
    for (const s of statements(json)) expect(list(s.Resource)).not.toContain('*');
  });

  it('lets the agent-stream Lambda read the one agent event stream, and nothing else of Kinesis', () => {
    const kinesis = statements(json).filter((s) => list(s.Action).some((a) => a.startsWith('kinesis:')));
    expect(kinesis).toHaveLength(1);
    expect(kinesis[0]!.Resource).toEqual({ Ref: 'AgentEventStreamArn' });
    expect(list(kinesis[0]!.Action)).toEqual(
      expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator']),
    );
  });
});

describe('agent event stream', () => {
  it('maps the stream to the agent-stream Lambda, in order, reporting the first record to retry', () => {
    const mapping = only('AWS::Lambda::EventSourceMapping', 'AgentStream');
    const fn = ofType(json, 'AWS::Lambda::Function').find(
      ([, r]) => r.Properties!.Handler === 'agent-stream.handler',
    )![0];
    expect(mapping.Condition).toBe('IfAgentStream');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { Ref: 'AgentEventStreamArn' },
      FunctionName: { Ref: fn },
      StartingPosition: 'LATEST',
      BatchSize: 100,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^AgentStreamFailed/), 'Arn'] } },
      },
    });
  });
});

describe('contact events', () => {
  const CONTACT_PATTERN = { source: ['aws.connect'], 'detail-type': ['Amazon Connect Contact Event'] };

  it('go to the runner through an API destination: rule on the default bus, POST to RunnerUrl + the eventbridge path', () => {
    const rule = only('AWS::Events::Rule', 'ContactEventsToRunner');
    expect(rule.Condition).toBe('IfContactEventsToRunner');
    expect(rule.Properties!.EventBusName).toBeUndefined();
    expect(rule.Properties!.EventPattern).toEqual(CONTACT_PATTERN);
    const destination = only('AWS::Events::ApiDestination', 'ContactEventsToRunner');
    expect(destination.Properties).toMatchObject({
      HttpMethod: 'POST',
      InvocationEndpoint: endpoint('/webhooks/amazon-connect/eventbridge'),
    });
    const target = (rule.Properties!.Targets as Json[])[0]!;
    expect(target.Arn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ContactEventsToRunnerDestination/), 'Arn'],
    });
    expect(target.DeadLetterConfig).toBeDefined();
  });

  it('carry the API key in the header the amazon-connect connector verifies, from Secrets Manager', () => {
    const connection = only('AWS::Events::Connection', 'ContactEventsToRunner');
    expect(connection.Properties).toMatchObject({
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: 'x-api-key',
          ApiKeyValue: secretOf('ContactEventsApiKeySecretArn'),
        },
      },
    });
  });

  it('go to the eventbridge Lambda instead when ContactEvents is lambda, never to both', () => {
    const rule = only('AWS::Events::Rule', 'ContactEventsToLambda');
    expect(rule.Condition).toBe('IfContactEventsToLambda');
    expect(rule.Properties!.EventPattern).toEqual(CONTACT_PATTERN);
    expect(json.Conditions.IfContactEventsToRunner).toEqual({
      'Fn::Equals': [{ Ref: 'ContactEvents' }, 'runner'],
    });
    expect(json.Conditions.IfContactEventsToLambda).toEqual({
      'Fn::Equals': [{ Ref: 'ContactEvents' }, 'lambda'],
    });
    expect(json.Parameters.ContactEvents).toMatchObject({
      AllowedValues: ['runner', 'lambda'],
      Default: 'runner',
    });
    const fn = ofType(json, 'AWS::Lambda::Function').find(
      ([, r]) => r.Properties!.Handler === 'eventbridge.handler',
    )!;
    expect(fn[1].Condition).toBe('IfContactEventsToLambda');
    expect((rule.Properties!.Targets as Json[])[0]!.Arn).toEqual({ 'Fn::GetAtt': [fn[0], 'Arn'] });
  });

  it('match every contact event the connector maps (its fixtures), and nothing from another source', () => {
    const dir = join(repo, 'connectors/amazon-connect/fixtures/eventbridge');
    // Every request of every fixture, single or in steps (a call shape plays several), read as the kit reads them.
    const bodies = loadFixtures(dir).flatMap((f) => f.steps.map((step) => step.request.body as Json));
    const rule = only('AWS::Events::Rule', 'ContactEventsToRunner');
    const pattern = rule.Properties!.EventPattern as Json;
    expect(bodies.filter((b) => b.source === 'aws.connect').every((b) => matches(pattern, b))).toBe(true);
    expect(bodies.filter((b) => b.source !== 'aws.connect').some((b) => matches(pattern, b))).toBe(false);
    expect(bodies.filter((b) => b.source !== 'aws.connect')).not.toHaveLength(0);
  });

  it('refuse a runner path without RunnerUrl or the API key secret, naming the parameter', () => {
    const toRunner = { 'Fn::Equals': [{ Ref: 'ContactEvents' }, 'runner'] };
    expect(json.Rules.RunnerUrlForContactEvents).toEqual({
      RuleCondition: toRunner,
      Assertions: [
        {
          Assert: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'RunnerUrl' }, ''] }] },
          AssertDescription: 'RunnerUrl is required when ContactEvents is runner',
        },
      ],
    });
    expect(json.Rules.ApiKeyForContactEvents).toMatchObject({ RuleCondition: toRunner });
  });
});

describe('Genesys Cloud', () => {
  it('posts partner-bus events to RunnerUrl + the genesys cloud path with the header the connector verifies', () => {
    const rule = only('AWS::Events::Rule', 'Genesys');
    expect(rule.Condition).toBe('IfGenesys');
    expect(rule.Properties!.EventPattern).toEqual({ source: [{ prefix: 'aws.partner/genesys.com' }] });
    expect(rule.Properties!.EventBusName).toEqual({
      'Fn::If': [
        'IfGenesysCreateBus',
        { Ref: expect.stringMatching(/^GenesysBus/) },
        { Ref: 'GenesysEventSource' },
      ],
    });
    expect(only('AWS::Events::ApiDestination', 'Genesys').Properties).toMatchObject({
      HttpMethod: 'POST',
      InvocationEndpoint: endpoint('/webhooks/genesys/cloud'),
    });
    expect(only('AWS::Events::Connection', 'Genesys').Properties).toMatchObject({
      AuthParameters: {
        ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: secretOf('GenesysApiKeySecretArn') },
      },
    });
  });

  it('associates the partner event source with a bus of its name, unless told the bus exists', () => {
    const bus = only('AWS::Events::EventBus', 'Genesys');
    expect(bus.Condition).toBe('IfGenesysCreateBus');
    expect(bus.Properties).toEqual({
      Name: { Ref: 'GenesysEventSource' },
      EventSourceName: { Ref: 'GenesysEventSource' },
    });
    expect(json.Conditions.IfGenesys).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'GenesysEventSource' }, ''] }],
    });
  });

  it('matches the EventBridge events in the genesys fixtures', () => {
    const dir = join(repo, 'connectors/genesys/fixtures/cloud');
    // A fixture is one request, or steps of requests.
    type Fixture = { request?: { body: Json }; steps?: { request: { body: Json } }[] };
    const bodies = readdirSync(dir)
      .flatMap((f) => {
        const fixture = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture;
        return [fixture.request, ...(fixture.steps ?? []).map((s) => s.request)];
      })
      .map((r) => r?.body)
      .filter((b): b is Json => typeof b === 'object' && b !== null && 'detail-type' in b);
    expect(bodies).not.toHaveLength(0);
    const pattern = only('AWS::Events::Rule', 'Genesys').Properties!.EventPattern as Json;
    for (const body of bodies) expect(matches(pattern, body)).toBe(true);
  });
});

describe('the template as a whole', () => {
  it('is valid under every parameter choice: nothing refers to a resource another condition may leave out', () => {
    expect(danglingReferences(json)).toEqual([]);
    // The check itself: a rule that always exists but points at a conditional destination is caught.
    const broken = structuredClone(json);
    delete broken.Resources[ofType(broken, 'AWS::Events::Rule').find(([id]) => id.startsWith('Genesys'))![0]]!
      .Condition;
    expect(danglingReferences(broken).length).toBeGreaterThan(0);
  });

  it('holds no secret, account, region or machine path', () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/\d{12}/);
    expect(text).not.toMatch(/(eu|us|ap|sa|ca|me|af)-(central|east|west|north|south|southeast|northeast)-\d/);
    expect(text).not.toContain(repo);
    expect(text).not.toContain('cdk-hnb659fds');
    expect(Object.keys(json.Parameters)).not.toContain('BootstrapVersion');
    for (const [, p] of Object.entries(json.Parameters)) expect(p.NoEcho).toBeUndefined();
    for (const [name] of Object.entries(json.Parameters).filter(([n]) => /Secret/.test(n)))
      expect(json.Parameters[name]!.AllowedPattern).toMatch(/secretsmanager/);
  });
});
