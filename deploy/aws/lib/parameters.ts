// The stack's inputs are CloudFormation parameters, so the CDK app (`cdk deploy --parameters ...`) and the
// published template (console, `aws cloudformation deploy`) take the same ones. Secrets come as Secrets
// Manager ARNs and are resolved by CloudFormation at deploy time: no secret value is ever in a template.
import { CfnCondition, CfnParameter, CfnRule, Fn, type ICfnRuleConditionExpression } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

const SECRET_ARN = 'arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[^\\s]+';
const optional = (pattern: string) => `^(${pattern})?$`;

export interface StackParameters {
  runnerUrl: CfnParameter;
  contactEvents: CfnParameter;
  contactEventsApiKeySecretArn: CfnParameter;
  openConnectKeySecretArn: CfnParameter;
  openConnectCrmId: CfnParameter;
  openConnectUrl: CfnParameter;
  connectInstanceArn: CfnParameter;
  contactAttributes: CfnParameter;
  directoryJson: CfnParameter;
  eventsJson: CfnParameter;
  lambdaRuntime: CfnParameter;
  agentEventStreamArn: CfnParameter;
  genesysEventSource: CfnParameter;
  genesysAssociateBus: CfnParameter;
  genesysApiKeySecretArn: CfnParameter;
}

export interface StackConditions {
  /** Contact events go to the runner (rule → API destination); else to the eventbridge Lambda. */
  contactEventsToRunner: CfnCondition;
  contactEventsToLambda: CfnCondition;
  agentStream: CfnCondition;
  /** OpenConnectUrl is set; else the Lambdas get no OPENCONNECT_URL and use the connector's default. */
  openConnectUrl: CfnCondition;
  directory: CfnCondition;
  events: CfnCondition;
  genesys: CfnCondition;
  /** The stack associates the Genesys partner event source with a new bus of the same name. */
  genesysCreateBus: CfnCondition;
}

export function declareParameters(scope: Construct): StackParameters {
  const p = (id: string, props: ConstructorParameters<typeof CfnParameter>[2]) =>
    new CfnParameter(scope, id, { type: 'String', ...props });
  return {
    runnerUrl: p('RunnerUrl', {
      default: '',
      allowedPattern: optional('https://[^\\s]*[^/\\s]'),
      constraintDescription: 'an https:// URL without a trailing slash, e.g. https://openconnect.example.com',
      description:
        "The runner's public base URL (its PUBLIC_URL), without a trailing slash. Required when ContactEvents is runner or GenesysEventSource is set.",
    }),
    contactEvents: p('ContactEvents', {
      default: 'runner',
      allowedValues: ['runner', 'lambda'],
      description:
        'Where Amazon Connect contact events go: runner (EventBridge API destination to the runner, which has an outbox) or lambda (the eventbridge Lambda sends straight to OpenConnect).',
    }),
    contactEventsApiKeySecretArn: p('ContactEventsApiKeySecretArn', {
      default: '',
      allowedPattern: optional(SECRET_ARN),
      constraintDescription: 'a Secrets Manager secret ARN',
      description:
        "ARN of the Secrets Manager secret whose value is the runner's amazon-connect apiKey (16+ characters). Required when ContactEvents is runner.",
    }),
    openConnectKeySecretArn: p('OpenConnectKeySecretArn', {
      allowedPattern: `^${SECRET_ARN}$`,
      constraintDescription: 'a Secrets Manager secret ARN',
      description:
        'ARN of the Secrets Manager secret whose value is the OpenConnect API key (OPENCONNECT_JWT) the Lambdas send with.',
    }),
    openConnectCrmId: p('OpenConnectCrmId', {
      minLength: 1,
      description: 'The CRM domain the Lambdas send for (OPENCONNECT_CRMID), e.g. acme.zendesk.com.',
    }),
    openConnectUrl: p('OpenConnectUrl', {
      default: '',
      allowedPattern: optional('https?://[^\\s]+'),
      description: "OpenConnect URL for the Lambdas (OPENCONNECT_URL); empty for the connector's default.",
    }),
    connectInstanceArn: p('ConnectInstanceArn', {
      allowedPattern: '^arn:aws[a-z-]*:connect:[a-z0-9-]+:[0-9]{12}:instance/[0-9a-f-]+$',
      constraintDescription: 'arn:aws:connect:<region>:<account>:instance/<instance-id>',
      description: 'The Amazon Connect instance: the Lambdas may read its users and contacts only.',
    }),
    contactAttributes: p('ContactAttributes', {
      default: 'false',
      allowedValues: ['false', 'true'],
      description: 'The eventbridge Lambda adds contact attributes (GetContactAttributes) to its messages.',
    }),
    directoryJson: p('DirectoryJson', {
      default: '',
      allowedPattern: optional('\\{[\\s\\S]*\\}'),
      constraintDescription: 'a JSON object',
      description:
        'The Lambdas\' agent directory (DIRECTORY_JSON): {"<agent ARN or user id>": "<login>"}; wins over DescribeUser.',
    }),
    eventsJson: p('EventsJson', {
      default: '',
      allowedPattern: optional('\\{[\\s\\S]*\\}'),
      constraintDescription: 'a JSON object',
      description:
        'PopFlow event names by lifecycle or native event (EVENTS_JSON), e.g. {"answered": "On Answer"}.',
    }),
    // Lambda deprecated nodejs20.x on 2026-04-30 (no new functions from 2027-02-01); the bundles target Node 20.
    lambdaRuntime: p('LambdaRuntime', {
      default: 'nodejs22.x',
      allowedValues: ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'],
      description: 'Lambda runtime of the three functions (the bundles run on Node.js 20 or later).',
    }),
    agentEventStreamArn: p('AgentEventStreamArn', {
      default: '',
      allowedPattern: optional('arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[A-Za-z0-9_.-]+'),
      constraintDescription: 'arn:aws:kinesis:<region>:<account>:stream/<name>',
      description:
        "The Kinesis stream the instance's agent events go to (Data streaming). Empty: no agent-stream Lambda.",
    }),
    genesysEventSource: p('GenesysEventSource', {
      default: '',
      allowedPattern: optional('aws\\.partner/genesys\\.com/[^\\s]+'),
      constraintDescription: 'aws.partner/genesys.com/cloud/<orgId>/<suffix>',
      description:
        'Genesys Cloud partner event source name (its bus has the same name). Empty: no Genesys wiring.',
    }),
    genesysAssociateBus: p('GenesysAssociateBus', {
      default: 'yes',
      allowedValues: ['yes', 'no'],
      description:
        'yes: this stack associates the partner event source with a new event bus; no: the bus exists already.',
    }),
    genesysApiKeySecretArn: p('GenesysApiKeySecretArn', {
      default: '',
      allowedPattern: optional(SECRET_ARN),
      constraintDescription: 'a Secrets Manager secret ARN',
      description:
        "ARN of the Secrets Manager secret whose value is the runner's genesys cloudApiKey. Required with GenesysEventSource.",
    }),
  };
}

export function declareConditions(scope: Construct, p: StackParameters): StackConditions {
  const isSet = (param: CfnParameter) => Fn.conditionNot(Fn.conditionEquals(param.valueAsString, ''));
  const genesys = new CfnCondition(scope, 'IfGenesys', { expression: isSet(p.genesysEventSource) });
  const conditions: StackConditions = {
    contactEventsToRunner: new CfnCondition(scope, 'IfContactEventsToRunner', {
      expression: Fn.conditionEquals(p.contactEvents.valueAsString, 'runner'),
    }),
    contactEventsToLambda: new CfnCondition(scope, 'IfContactEventsToLambda', {
      expression: Fn.conditionEquals(p.contactEvents.valueAsString, 'lambda'),
    }),
    agentStream: new CfnCondition(scope, 'IfAgentStream', { expression: isSet(p.agentEventStreamArn) }),
    openConnectUrl: new CfnCondition(scope, 'IfOpenConnectUrl', { expression: isSet(p.openConnectUrl) }),
    directory: new CfnCondition(scope, 'IfDirectory', { expression: isSet(p.directoryJson) }),
    events: new CfnCondition(scope, 'IfEvents', { expression: isSet(p.eventsJson) }),
    genesys,
    genesysCreateBus: new CfnCondition(scope, 'IfGenesysCreateBus', {
      expression: Fn.conditionAnd(genesys, Fn.conditionEquals(p.genesysAssociateBus.valueAsString, 'yes')),
    }),
  };

  // What a parameter needs is checked before anything is created, with a sentence naming it. Rules may
  // not use the template's conditions, so each states its own on the parameters.
  const toRunner = Fn.conditionEquals(p.contactEvents.valueAsString, 'runner');
  const withGenesys = isSet(p.genesysEventSource);
  const required = (
    id: string,
    when: ICfnRuleConditionExpression,
    param: CfnParameter,
    description: string,
  ) =>
    new CfnRule(scope, id, {
      ruleCondition: when,
      assertions: [{ assert: isSet(param), assertDescription: description }],
    });
  required(
    'RunnerUrlForContactEvents',
    toRunner,
    p.runnerUrl,
    'RunnerUrl is required when ContactEvents is runner',
  );
  required(
    'ApiKeyForContactEvents',
    toRunner,
    p.contactEventsApiKeySecretArn,
    'ContactEventsApiKeySecretArn is required when ContactEvents is runner',
  );
  required(
    'RunnerUrlForGenesys',
    withGenesys,
    p.runnerUrl,
    'RunnerUrl is required when GenesysEventSource is set',
  );
  required(
    'ApiKeyForGenesys',
    withGenesys,
    p.genesysApiKeySecretArn,
    'GenesysApiKeySecretArn is required when GenesysEventSource is set',
  );
  return conditions;
}
