// Amazon Connect (and Genesys Cloud through EventBridge) to OpenConnect, as the connectors' READMEs wire it:
// - contact events: a rule on the default bus → an API destination to the runner (ContactEvents=runner), or
//   → the eventbridge Lambda, which sends straight to OpenConnect (ContactEvents=lambda); never both, or
//   every pop would be sent twice;
// - the contact-flow Lambda, added to the instance for the "Invoke AWS Lambda function" block;
// - the agent-stream Lambda on the agent event stream (Kinesis event source mapping);
// - Genesys Cloud: a rule on the partner event bus → an API destination to the runner's genesys webhook.
import {
  Aspects,
  Aws,
  CfnOutput,
  CfnParameter,
  type CfnCondition,
  CfnResource,
  Duration,
  Fn,
  type IAspect,
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
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { declareConditions, declareParameters, type StackParameters } from './parameters.js';
import {
  CONTACT_EVENT_PATTERN,
  CONTACT_EVENTS_WEBHOOK,
  GENESYS_CLOUD_WEBHOOK,
  GENESYS_SOURCE_PREFIX,
  type LambdaBundle,
  type Webhook,
} from './webhooks.js';

export type LambdaCode =
  /** The bundles on disk (connectors/amazon-connect/dist/lambda): `cdk deploy` uploads them as assets. */
  | { bundleDir: string }
  /** Zips in an S3 bucket named by template parameters: the published template, for users without CDK. */
  | 'parameters';

export interface AmazonConnectStackProps extends StackProps {
  lambdaCode: LambdaCode;
}

/** Failed events are kept this long in the dead-letter queues (SQS's maximum). */
const KEEP_FAILED = Duration.days(14);
/** A screen pop an hour late helps nobody: older events go to the dead-letter queue instead. */
const MAX_EVENT_AGE = Duration.hours(1);

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
      OPENCONNECT_URL: Token.asString(
        Fn.conditionIf(when.openConnectUrl.logicalId, params.openConnectUrl.valueAsString, Aws.NO_VALUE),
      ),
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

/** Rule → API destination (POST, the API key in the header the source verifies), with a dead-letter queue. */
function apiDestinationTarget(
  scope: Construct,
  rule: events.Rule,
  webhook: Webhook,
  runnerUrl: string,
  apiKeySecretArn: string,
): void {
  const connection = new events.Connection(scope, 'Connection', {
    description: `API key for ${webhook.path}`,
    authorization: events.Authorization.apiKey(
      webhook.apiKeyHeader,
      SecretValue.secretsManager(apiKeySecretArn),
    ),
  });
  const destination = new events.ApiDestination(scope, 'Destination', {
    description: `The runner's ${webhook.path}`,
    connection,
    endpoint: Fn.join('', [runnerUrl, webhook.path]),
    httpMethod: events.HttpMethod.POST,
  });
  // The runner answers 503 when it cannot resolve an agent yet: EventBridge retries, then keeps the event.
  rule.addTarget(
    new targets.ApiDestination(destination, {
      retryAttempts: 185,
      maxEventAge: MAX_EVENT_AGE,
      deadLetterQueue: new sqs.Queue(scope, 'Failed', { retentionPeriod: KEEP_FAILED }),
    }),
  );
}

function codeSource(
  stack: Stack,
  source: LambdaCode,
): (scope: Construct, bundle: LambdaBundle) => lambda.Code {
  if (source !== 'parameters')
    return (_scope, bundle) => lambda.Code.fromAsset(source.bundleDir, { exclude: ['*', `!${bundle}.mjs`] });
  const bucketName = new CfnParameter(stack, 'LambdaCodeBucket', {
    type: 'String',
    minLength: 3,
    description:
      "S3 bucket (in the stack's region) holding the Lambda zips, made by pnpm --filter @openconnect/deploy-aws package-lambdas.",
  });
  const prefix = new CfnParameter(stack, 'LambdaCodePrefix', {
    type: 'String',
    default: 'openconnect/amazon-connect/',
    description:
      'Key prefix of the zips in that bucket: <prefix>contact-flow.zip, eventbridge.zip, agent-stream.zip.',
  });
  const bucket = s3.Bucket.fromBucketName(stack, 'LambdaCodeBucketRef', bucketName.valueAsString);
  return (_scope, bundle) => lambda.Code.fromBucket(bucket, `${prefix.valueAsString}${bundle}.zip`);
}

/** Every resource under `scope` is created only under `condition` (unless it has a stricter one already). */
function onlyIf(scope: IConstruct, condition: CfnCondition): void {
  const aspect: IAspect = {
    visit(node) {
      if (node instanceof CfnResource && !node.cfnOptions.condition) node.cfnOptions.condition = condition;
    },
  };
  Aspects.of(scope).add(aspect);
}

function outputs(
  stack: Stack,
  params: StackParameters,
  fns: { contactFlowFn: lambda.Function; eventBridgeFn: lambda.Function; agentStreamFn: lambda.Function },
  when: ReturnType<typeof declareConditions>,
): void {
  new CfnOutput(stack, 'ContactFlowFunctionName', {
    description: 'Pick this function in the flow\'s "Invoke AWS Lambda function" block',
    value: fns.contactFlowFn.functionName,
  });
  new CfnOutput(stack, 'EventBridgeFunctionName', {
    value: fns.eventBridgeFn.functionName,
    condition: when.contactEventsToLambda,
  });
  new CfnOutput(stack, 'AgentStreamFunctionName', {
    value: fns.agentStreamFn.functionName,
    condition: when.agentStream,
  });
  new CfnOutput(stack, 'ContactEventsEndpoint', {
    description: 'Where contact events are posted',
    value: Fn.join('', [params.runnerUrl.valueAsString, CONTACT_EVENTS_WEBHOOK.path]),
    condition: when.contactEventsToRunner,
  });
  new CfnOutput(stack, 'GenesysEndpoint', {
    description: 'Where Genesys Cloud events are posted',
    value: Fn.join('', [params.runnerUrl.valueAsString, GENESYS_CLOUD_WEBHOOK.path]),
    condition: when.genesys,
  });
}
