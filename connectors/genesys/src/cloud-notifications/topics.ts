// Which topics the notification session subscribes, and how they are spread over channels. Genesys
// allows 1,000 topics per channel and 20 channels per OAuth client (a 21st evicts the least recently
// used), so more topics than 20 × 1,000 cannot be held by one client at all.
import type { CloudMedia } from '../cloud-events.js';

export const TOPICS_PER_CHANNEL = 1_000;
export const CHANNELS_PER_CLIENT = 20;

export const queueTopic = (queueId: string) => `v2.routing.queues.${queueId}.conversations`;
export const userTopic = (userId: string, media: CloudMedia) => `v2.users.${userId}.conversations.${media}`;

/** Every topic for the watched queues (all media in one topic) and users (one topic per medium). */
export function notifyTopics(queueIds: string[], userIds: string[], media: readonly CloudMedia[]): string[] {
  const topics = new Set<string>();
  for (const id of queueIds) topics.add(queueTopic(id));
  for (const id of userIds) for (const medium of media) topics.add(userTopic(id, medium));
  return [...topics];
}

/** The topics in groups of at most `perChannel`, one group per channel. */
export function spreadOverChannels(topics: string[], perChannel = TOPICS_PER_CHANNEL): string[][] {
  const groups: string[][] = [];
  for (let start = 0; start < topics.length; start += perChannel)
    groups.push(topics.slice(start, start + perChannel));
  return groups;
}

interface NotifyOptions {
  cloudClientId?: string | undefined;
  cloudClientSecret?: string | undefined;
  cloudNotifyQueues: string[];
  cloudNotifyUsers: string[];
  cloudNotifyMedia: readonly CloudMedia[];
}

/** Whether the config asks for the notification session at all. */
export const wantsNotifications = (config: NotifyOptions) =>
  config.cloudNotifyQueues.length > 0 || config.cloudNotifyUsers.length > 0;

/** Config problems of the notification session, each naming its option (the connector config's superRefine). */
export function cloudNotifyProblems(config: NotifyOptions): { path: string; message: string }[] {
  if (!wantsNotifications(config)) return [];
  const problems: { path: string; message: string }[] = [];
  const lists = 'cloudNotifyQueues/cloudNotifyUsers';
  for (const key of ['cloudClientId', 'cloudClientSecret'] as const) {
    if (!config[key])
      problems.push({
        path: key,
        message: `${lists} need ${key}: the OAuth client-credentials client the runner logs in with`,
      });
  }
  // A queue name resolves to one id, so the count is known before the names are resolved.
  const count =
    new Set(config.cloudNotifyQueues).size +
    new Set(config.cloudNotifyUsers).size * config.cloudNotifyMedia.length;
  const most = TOPICS_PER_CHANNEL * CHANNELS_PER_CLIENT;
  if (count > most) {
    problems.push({
      path: 'cloudNotifyUsers',
      message: `${count} topics (one per queue, one per user and medium) are more than one OAuth client can hold (${CHANNELS_PER_CLIENT} channels of ${TOPICS_PER_CHANNEL}); watch queues instead of users, fewer media, or split the users over several deployments`,
    });
  }
  return problems;
}
