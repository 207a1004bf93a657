// The queue subscriptions a session holds: one per user queue, so the agent of each message is known from
// its subscriptionId (as a relay watching one agent's queue names it), and one for all workgroup queues.
// ICWS sends only the attributes a subscription names, so the list covers what the mapping reads.
import { SessionError } from '@openconnect/core';
import { icwsReason, type IcwsSession } from './session.js';
import { ICWS_ATTRIBUTES } from './settings.js';

/** Queue types (ICWS QueueType): 1 a user's queue, 2 a workgroup's. */
export const USER_QUEUE = 1;
export const WORKGROUP_QUEUE = 2;

export interface QueueSubscription {
  id: string;
  queueIds: { queueType: number; queueName: string }[];
  /** The IC user whose queue this is: the agent of every message it brings. */
  agent?: string;
}

export interface QueueOptions {
  pureconnectUserQueues: string[];
  pureconnectWorkgroupQueues: string[];
  pureconnectAttributes: string[];
}

export function planSubscriptions(options: QueueOptions): QueueSubscription[] {
  const users = [...new Set(options.pureconnectUserQueues)];
  const workgroups = [...new Set(options.pureconnectWorkgroupQueues)];
  const plan: QueueSubscription[] = users.map((user) => ({
    id: `openconnect-user-${user}`,
    queueIds: [{ queueType: USER_QUEUE, queueName: user }],
    agent: user,
  }));
  if (workgroups.length)
    plan.push({
      id: 'openconnect-workgroups',
      queueIds: workgroups.map((name) => ({ queueType: WORKGROUP_QUEUE, queueName: name })),
    });
  return plan;
}

/** The default attributes plus the configured ones, each once (ICWS attribute names ignore case). */
export function attributeNames(extra: string[]): string[] {
  const seen = new Set<string>();
  return [...ICWS_ATTRIBUTES, ...extra].filter((name) => {
    // Stryker disable next-line MethodExpression: attribute names are ASCII, which upper case folds alike
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const path = (id: string) => `/messaging/subscriptions/queues/${encodeURIComponent(id)}`;

/**
 * PUT each subscription. A refusal names the queue: the user lacks view rights on it, or it does not
 * exist; both need an administrator, so the error is `failed`.
 */
export async function subscribe(
  session: IcwsSession,
  plan: QueueSubscription[],
  attributes: string[],
): Promise<void> {
  for (const subscription of plan) {
    const response = await session.request('PUT', path(subscription.id), {
      data: { queueIds: subscription.queueIds, attributeNames: attributes },
    });
    if (response.status >= 200 && response.status < 300) continue;
    const queues = subscription.queueIds.map(
      (q) => `${q.queueType === USER_QUEUE ? 'user' : 'workgroup'} queue ${q.queueName}`,
    );
    throw new SessionError(
      `ICWS refused the subscription to ${queues.join(', ')}: ${icwsReason(response)}. Check that the queue exists ` +
        'and that the session user has the right to view it',
      { failed: response.status >= 400 && response.status < 500 },
    );
  }
}

/** On a clean stop: DELETE each subscription (best effort; logging out drops them anyway). */
export async function unsubscribe(session: IcwsSession, plan: QueueSubscription[]): Promise<void> {
  for (const subscription of plan) {
    await session.request('DELETE', path(subscription.id), { cleanup: true }).catch(() => undefined);
  }
}
