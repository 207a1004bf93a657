// The interactions an ICWS emulator knows and the queue subscriptions watching them. A call is in the user
// queue of its Eic_UserName and the workgroup queue of its Eic_WorkgroupName (belief: an ACD call stays in
// its workgroup queue while an agent has it). Each subscription hears of it as ICWS describes: added with
// every subscribed attribute when it enters a watched queue, changed with only the attributes that changed,
// removed when it leaves; a new subscription first gets the queues' whole contents (isDelta false).

export const QUEUE_CONTENTS = 'urn:inin.com:queues:queueContentsMessage';

export type AttributeValue = string | number;
export type Attributes = Record<string, AttributeValue>;

export interface QueueId {
  queueType: number;
  queueName: string;
}

export interface EmulatedSubscription {
  id: string;
  queueIds: QueueId[];
  attributeNames: string[];
  /** Interactions this subscription has been told about and not told removed. */
  members: Set<string>;
}

export type QueueMessage = Record<string, unknown> & { __type: string; subscriptionId: string };

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Whether a subscription watches a queue the interaction is in. */
export function watches(subscription: EmulatedSubscription, attributes: Attributes | undefined): boolean {
  if (!attributes) return false;
  const user = attributes.Eic_UserName === undefined ? '' : String(attributes.Eic_UserName);
  const workgroup = attributes.Eic_WorkgroupName === undefined ? '' : String(attributes.Eic_WorkgroupName);
  return subscription.queueIds.some(
    (q) =>
      (q.queueType === 1 && user && sameName(q.queueName, user)) ||
      (q.queueType === 2 && workgroup && sameName(q.queueName, workgroup)),
  );
}

/** Only the attributes a subscription named (ICWS returns nothing else). */
export function named(attributes: Attributes, names: string[]): Attributes {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => wanted.has(name.toLowerCase())));
}

/** What one subscription hears when an interaction goes from `before` to `after` (undefined: gone). */
export function messageFor(
  subscription: EmulatedSubscription,
  interactionId: string,
  before: Attributes | undefined,
  after: Attributes | undefined,
): QueueMessage | undefined {
  const was = subscription.members.has(interactionId);
  const now = watches(subscription, after);
  const base = { __type: QUEUE_CONTENTS, subscriptionId: subscription.id, isDelta: true };
  if (!was && now && after) {
    subscription.members.add(interactionId);
    return {
      ...base,
      interactionsAdded: [{ interactionId, attributes: named(after, subscription.attributeNames) }],
    };
  }
  if (was && !now) {
    subscription.members.delete(interactionId);
    return { ...base, interactionsRemoved: [interactionId] };
  }
  if (was && now && after) {
    const changed: Attributes = {};
    for (const [name, value] of Object.entries(after)) if (before?.[name] !== value) changed[name] = value;
    const shown = named(changed, subscription.attributeNames);
    if (!Object.keys(shown).length) return undefined;
    return { ...base, interactionsChanged: [{ interactionId, attributes: shown }] };
  }
  return undefined;
}

/** The first message of a new subscription: everything in its queues now. */
export function snapshotFor(
  subscription: EmulatedSubscription,
  interactions: Map<string, Attributes>,
): QueueMessage {
  const added = [...interactions].filter(([, attributes]) => watches(subscription, attributes));
  for (const [id] of added) subscription.members.add(id);
  return {
    __type: QUEUE_CONTENTS,
    subscriptionId: subscription.id,
    isDelta: false,
    interactionsAdded: added.map(([interactionId, attributes]) => ({
      interactionId,
      attributes: named(attributes, subscription.attributeNames),
    })),
  };
}

/** Checks a subscription PUT body as ICWS's data contract does; the problem, or undefined. */
export function subscriptionProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'the body must be a queue subscription object';
  const { queueIds, attributeNames } = body as { queueIds?: unknown; attributeNames?: unknown };
  if (!Array.isArray(queueIds) || !queueIds.length) return 'queueIds must be a non-empty array';
  for (const q of queueIds) {
    const id = q as Partial<QueueId>;
    if (typeof id?.queueName !== 'string' || !id.queueName || ![0, 1, 2, 3].includes(id.queueType as number))
      return 'each queueId needs a queueType (0-3) and a queueName';
  }
  if (!Array.isArray(attributeNames) || !attributeNames.every((n) => typeof n === 'string'))
    return 'attributeNames must be an array of strings';
  return undefined;
}
