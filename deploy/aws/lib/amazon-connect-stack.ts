// Amazon Connect (and Genesys Cloud through EventBridge) to OpenConnect, as the connectors' READMEs wire it:
// - contact events: a rule on the default bus → an API destination to the runner (ContactEvents=runner), or
//   → the eventbridge Lambda, which sends straight to OpenConnect (ContactEvents=lambda); never both, or
//   every pop would be sent twice;
// - the contact-flow Lambda, added to the instance for the "Invoke AWS Lambda function" block;
// - the agent-stream Lambda on the agent event stream (Kinesis event source mapping);
// - Genesys Cloud: a rule on the partner event bus → an API destination to the runner's genesys webhook.
import {
  Aws,
  type CfnCondition,
  type CfnParameter,
  Duration,
  Fn,
  SecretValue,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { declareConditions, declareParameters } from './parameters.js';
import {
  apiDestinationTarget,
  codeSource,
  KEEP_FAILED,
  type LambdaCode,
  MAX_EVENT_AGE,
  onlyIf,
  outputs,
} from './parts.js';
import {
  CONTACT_EVENT_PATTERN,
  CONTACT_EVENTS_WEBHOOK,
  GENESYS_CLOUD_WEBHOOK,
  GENESYS_SOURCE_PREFIX,
  type LambdaBundle,
} from './webhooks.js';

export type { LambdaCode } from './parts.js';

export interface AmazonConnectStackProps extends StackProps {
  lambdaCode: LambdaCode;
}

export class AmazonConnectStack extends Stack {
  constructor(scope: Construct, id: string, props: AmazonConnectStackProps) {
    super(scope, id, props);
    this.templateOptions.description =
      'OpenConnect for Amazon Connect: the connector Lambdas and the EventBridge wiring to the OpenConnect runner (deploy/aws).';
    const params = declareParameters(this);
    const when = declareConditions(this, params);
    const code = codeSource(this, props.lambdaCode);
    const instanceArn = params.connectInstanceArn.valueAsString;
    const runtime = new lambda.Runtime(params.lambdaRuntime.valueAsString, lambda.RuntimeFamily.NODEJS);
    Validations.of(this).acknowledge(
      {
        id: 'CloudFormation-Validate::W1030',
        reason: 'an empty optional parameter turns off, by its condition, every resource that would use it',
      },
      {
        id: 'CloudFormation-Validate::W2509',
        reason: 'these parameters hold secret ARNs, not secret values',
      },
    );

    // What every Lambda sends with; the key is resolved from Secrets Manager by CloudFormation at deploy time.
    const openConnectEnv = {
      OPENCONNECT_JWT: SecretValue.secretsManager(
        params.openConnectKeySecretArn.valueAsString,
      ).unsafeUnwrap(),
      OPENCONNECT_CRMID: params.openConnectCrmId.valueAsString,
      // Optional settings are left out when empty, so the connector's defaults apply.
      OPENCONNECT_URL: ifSet(when.openConnectUrl, params.openConnectUrl),
      DIRECTORY_JSON: ifSet(when.directory, params.directoryJson),
      EVENTS_JSON: ifSet(when.events, params.eventsJson),
    };
    const fn = (scope: Construct, bundle: LambdaBundle, timeout: Duration, environment = {}) =>
      new lambda.Function(scope, 'Function', {
        description: `OpenConnect ${bundle} (connectors/amazon-connect/src/lambda/${bundle}.ts)`,
        runtime,
        architecture: lambda.Architecture.ARM_64,
        handler: `${bundle}.handler`,
        code: code(scope, bundle),
        memorySize: 256,
        timeout,
        environment: { ...openConnectEnv, ...environment },
      });

    // The contact-flow block: its own budget is 3 s, so 5 s of Lambda time; Connect may invoke it.
    const contactFlow = new Construct(this, 'ContactFlow');
    const contactFlowFn = fn(contactFlow, 'contact-flow', Duration.seconds(5));
    contactFlowFn.addPermission('ConnectInvoke', {
      principal: new iam.ServicePrincipal('connect.amazonaws.com'),
      sourceArn: instanceArn,
      sourceAccount: Aws.ACCOUNT_ID,
    });
    new connect.CfnIntegrationAssociation(contactFlow, 'Association', {
      instanceId: instanceArn,
      integrationType: 'LAMBDA_FUNCTION',
      integrationArn: contactFlowFn.functionArn,
    });

    // Contact events, path 1: the runner.
    const toRunner = new Construct(this, 'ContactEventsToRunner');
    const contactRule = new events.Rule(toRunner, 'Rule', {
      description: 'Amazon Connect contact events → the runner (amazon-connect/eventbridge)',
      eventPattern: CONTACT_EVENT_PATTERN,
    });
    apiDestinationTarget(
      toRunner,
      contactRule,
      CONTACT_EVENTS_WEBHOOK,
      params.runnerUrl.valueAsString,
      params.contactEventsApiKeySecretArn.valueAsString,
    );
    onlyIf(toRunner, when.contactEventsToRunner);

    // Contact events, path 2: the eventbridge Lambda, the only one that calls the Connect API.
    const toLambda = new Construct(this, 'ContactEventsToLambda');
    const eventBridgeFn = fn(toLambda, 'eventbridge', Duration.seconds(30), {
      CONTACT_ATTRIBUTES: params.contactAttributes.valueAsString,
    });
    eventBridgeFn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['connect:DescribeUser'], resources: [`${instanceArn}/agent/*`] }),
    );
    eventBridgeFn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['connect:GetContactAttributes'],
        resources: [`${instanceArn}/contact/*`],
      }),
    );
    // Lambda retries a thrown invocation twice (OpenConnect or the Connect API unreachable), then keeps it.
    eventBridgeFn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: MAX_EVENT_AGE,
      onFailure: new destinations.SqsDestination(
        new sqs.Queue(toLambda, 'Failed', { retentionPeriod: KEEP_FAILED }),
      ),
    });
    new events.Rule(toLambda, 'Rule', {
      description: 'Amazon Connect contact events → the eventbridge Lambda',
      eventPattern: CONTACT_EVENT_PATTERN,
      targets: [new targets.LambdaFunction(eventBridgeFn)],
    });
    onlyIf(toLambda, when.contactEventsToLambda);

    // The agent event stream: in order, the first record OpenConnect does not take is reported and retried.
    const agentStream = new Construct(this, 'AgentStream');
    const agentStreamFn = fn(agentStream, 'agent-stream', Duration.seconds(60));
    agentStreamFn.addEventSource(
      new KinesisEventSource(
        kinesis.Stream.fromStreamArn(agentStream, 'Stream', params.agentEventStreamArn.valueAsString),
        {
          startingPosition: lambda.StartingPosition.LATEST,
          batchSize: 100,
          reportBatchItemFailures: true,
          maxRecordAge: MAX_EVENT_AGE,
          onFailure: new SqsDlq(new sqs.Queue(agentStream, 'Failed', { retentionPeriod: KEEP_FAILED })),
        },
      ),
    );
    onlyIf(agentStream, when.agentStream);

    // Genesys Cloud: the partner event source's bus (the same name), a rule on it → the runner.
    const genesys = new Construct(this, 'Genesys');
    const sourceName = params.genesysEventSource.valueAsString;
    const bus = new events.CfnEventBus(genesys, 'Bus', { name: sourceName, eventSourceName: sourceName });
    bus.cfnOptions.condition = when.genesysCreateBus;
    const busName = Token.asString(Fn.conditionIf(when.genesysCreateBus.logicalId, bus.ref, sourceName));
    const genesysRule = new events.Rule(genesys, 'Rule', {
      description: 'Genesys Cloud events → the runner (genesys/cloud)',
      eventBus: events.EventBus.fromEventBusName(genesys, 'PartnerBus', busName),
      eventPattern: { source: events.Match.prefix(GENESYS_SOURCE_PREFIX) },
    });
    apiDestinationTarget(
      genesys,
      genesysRule,
      GENESYS_CLOUD_WEBHOOK,
      params.runnerUrl.valueAsString,
      params.genesysApiKeySecretArn.valueAsString,
    );
    onlyIf(genesys, when.genesys);

    outputs(this, params, { contactFlowFn, eventBridgeFn, agentStreamFn }, when);
  }
}

const ifSet = (condition: CfnCondition, param: CfnParameter): string =>
  Token.asString(Fn.conditionIf(condition.logicalId, param.valueAsString, Aws.NO_VALUE));
