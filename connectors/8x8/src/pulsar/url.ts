// Where the consumer connects: {base}/ws/v2/consumer/persistent/{tenant}/event-v1/{topic}/{subscription},
// with Pulsar's consumer options in the query. The API key goes in the X-API-Key header only, never in
// the URL (URLs end up in logs).
import { type C8x8Config, STREAM_REGIONS } from '../config.js';

export const NAMESPACE = 'event-v1';

export type StreamSettings = Pick<
  C8x8Config,
  | 'streamTenant'
  | 'streamRegion'
  | 'streamUrl'
  | 'streamTopic'
  | 'streamSubscription'
  | 'streamSubscriptionType'
  | 'streamReceiverQueueSize'
  | 'streamNegativeAckRedeliveryDelayMs'
>;

/** The host the config points at: streamUrl, else the region's 8x8 host. */
export function streamBase(config: Pick<C8x8Config, 'streamRegion' | 'streamUrl'>): string | undefined {
  const base = config.streamUrl ?? (config.streamRegion ? STREAM_REGIONS[config.streamRegion] : undefined);
  return base?.replace(/\/+$/, '');
}

/** The topic as 8x8 names it, for messages: persistent://{tenant}/event-v1/{topic}. */
export const topicName = (config: Pick<C8x8Config, 'streamTenant' | 'streamTopic'>) =>
  `persistent://${config.streamTenant}/${NAMESPACE}/${config.streamTopic}`;

export function consumerUrl(config: StreamSettings): string {
  const base = streamBase(config);
  if (!base || !config.streamTenant)
    throw new Error('streamTenant and streamRegion (or streamUrl) are required');
  const path = [config.streamTenant, NAMESPACE, config.streamTopic, config.streamSubscription]
    .map(encodeURIComponent)
    .join('/');
  const url = new URL(`${base}/ws/v2/consumer/persistent/${path}`);
  url.searchParams.set('subscriptionType', config.streamSubscriptionType);
  url.searchParams.set('receiverQueueSize', String(config.streamReceiverQueueSize));
  if (config.streamNegativeAckRedeliveryDelayMs !== undefined)
    url.searchParams.set('negativeAckRedeliveryDelay', String(config.streamNegativeAckRedeliveryDelayMs));
  return url.toString();
}
