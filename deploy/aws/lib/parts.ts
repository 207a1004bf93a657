// The stack's building blocks: where Lambda code comes from, a rule's API destination to the runner, the
// condition every resource of one path shares, and the outputs a user needs after deploying.
import {
  Aspects,
  type CfnCondition,
  CfnOutput,
  CfnParameter,
  CfnResource,
  Duration,
  Fn,
  type IAspect,
  SecretValue,
  type Stack,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import type { StackConditions, StackParameters } from './parameters.js';
import {
  CONTACT_EVENTS_WEBHOOK,
  GENESYS_CLOUD_WEBHOOK,
  type LambdaBundle,
  type Webhook,
} from './webhooks.js';

/** Failed events are kept this long in the dead-letter queues (SQS's maximum). */
export const KEEP_FAILED = Duration.days(14);
/** A screen pop an hour late helps nobody: older events go to the dead-letter queue instead. */
export const MAX_EVENT_AGE = Duration.hours(1);

export type LambdaCode =
  /** The bundles on disk (connectors/amazon-connect/dist/lambda): `cdk deploy` uploads them as assets. */
  | { bundleDir: string }
  /** Zips in an S3 bucket named by template parameters: the published template, for users without CDK. */
  | 'parameters';

/** Rule → API destination (POST, the API key in the header the source verifies), with a dead-letter queue. */
export function apiDestinationTarget(
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

export function codeSource(
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
export function onlyIf(scope: IConstruct, condition: CfnCondition): void {
  const aspect: IAspect = {
    visit(node) {
      if (node instanceof CfnResource && !node.cfnOptions.condition) node.cfnOptions.condition = condition;
    },
  };
  Aspects.of(scope).add(aspect);
}

export function outputs(
  stack: Stack,
  params: StackParameters,
  fns: { contactFlowFn: lambda.Function; eventBridgeFn: lambda.Function; agentStreamFn: lambda.Function },
  when: StackConditions,
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
