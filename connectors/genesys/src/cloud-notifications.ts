// Genesys Cloud notifications held by the runner itself: with only an OAuth client-credentials client
// and the queues/users to watch, the runner opens notification channels and their WebSockets, and gets
// the answered moment (agent participant `connected`) that EventBridge cannot give. Each frame is a
// `{topicName, eventBody}` notification, mapped exactly as the `cloud` source maps a relay's.
import { ConfigError, defineSubscription } from '@openconnect/core';
import { cloud } from './cloud.js';
import { type CloudEvent, parseCloudEvent } from './cloud-events.js';
import {
  type NotificationFrame,
  holdSession,
  plannedChannels,
  restFor,
} from './cloud-notifications/session.js';
import { unknownQueuesMessage } from './cloud-notifications/queues.js';
import { wantsNotifications } from './cloud-notifications/topics.js';
import type { GenesysConfig } from './config.js';
import type { Services } from './users-api.js';

export const cloudNotifications = defineSubscription<CloudEvent, GenesysConfig, Services, NotificationFrame>({
  id: 'cloud-notifications',
  description:
    'Genesys Cloud notification channels the runner holds (OAuth client credentials): every agent participant change of the watched queues and users, answered included',
  platforms: ['Genesys Cloud'],
  // The config requires the client credentials whenever something is watched (cloudNotifyProblems).
  enabled: (config) => wantsNotifications(config),
  // Queue names must name queues: a typo would otherwise watch nothing, silently.
  async check(ctx) {
    const rest = restFor(ctx);
    const plan = await plannedChannels(rest, ctx);
    if (plan.unknown.length)
      throw new ConfigError(
        unknownQueuesMessage(plan.unknown),
        'fix cloudNotifyQueues (a queue name as in Admin > Queues, or its id)',
      );
  },
  connect: holdSession,
  parse: (frame) => parseCloudEvent(frame),
  eventId: cloud.eventId,
  map: cloud.map,
  stateWrites: cloud.stateWrites,
});
