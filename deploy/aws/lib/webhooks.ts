// What the stack must agree on with the runner, taken from the connectors themselves rather than copied:
// the path the runner serves a source on (/webhooks/<connector>/<source>, apps/runner/src/server.ts) and
// the header the source reads its API key from (the name an EventBridge connection gives the key).
import amazonConnect from '@openconnect/amazon-connect';
import type { ConnectorDefinition } from '@openconnect/core';
import genesys from '@openconnect/genesys';

export interface Webhook {
  /** Appended to the runner's public URL, e.g. /webhooks/amazon-connect/eventbridge. */
  path: string;
  /** The header the source verifies (its default name; the runner config can rename it). */
  apiKeyHeader: string;
}

function webhookOf(connector: ConnectorDefinition, sourceId: string): Webhook {
  const source = connector.sources.find((s) => s.id === sourceId);
  if (!source) throw new Error(`connector ${connector.id} has no source ${sourceId}`);
  const header = source.auth.credentials.find((c) => c.in === 'header');
  if (!header) throw new Error(`source ${connector.id}/${sourceId} takes no header credential`);
  return { path: `/webhooks/${connector.id}/${source.id}`, apiKeyHeader: header.name };
}

/** Amazon Connect contact events, posted by an EventBridge API destination. */
export const CONTACT_EVENTS_WEBHOOK = webhookOf(amazonConnect, 'eventbridge');
/** Genesys Cloud events from its EventBridge partner event source, posted by an API destination. */
export const GENESYS_CLOUD_WEBHOOK = webhookOf(genesys, 'cloud');

/** The rule Amazon Connect's README documents for contact events (default bus, Connect publishes there). */
export const CONTACT_EVENT_PATTERN = {
  source: ['aws.connect'],
  detailType: ['Amazon Connect Contact Event'],
};
/** The Genesys README's rule on the partner event bus. */
export const GENESYS_SOURCE_PREFIX = 'aws.partner/genesys.com';

/** The three handlers in connectors/amazon-connect/src/lambda, bundled by its build.mjs as <name>.mjs. */
export const LAMBDA_BUNDLES = ['contact-flow', 'eventbridge', 'agent-stream'] as const;
export type LambdaBundle = (typeof LAMBDA_BUNDLES)[number];
