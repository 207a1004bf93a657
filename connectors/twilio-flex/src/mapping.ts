// The one mapping both sources share: a TaskRouter event becomes at most one draft. A plain switch from
// TaskRouter's event names onto the shared lifecycle; anything else is ignored with its reason.
import {
  type Draft,
  flattenProps,
  type Ignored,
  ignore,
  type Lifecycle,
  legProps,
  type MapContext,
  PROP,
  type Props,
  lookUp,
} from '@openconnect/core';
import { resolveAgent } from './agent.js';
import { attributeAt, channelOf, firstPop, legOf, numbersOf, text } from './call.js';
import type { TwilioFlexConfig } from './config.js';
import type { Attributes, TaskRouterEvent } from './event.js';
import { forgetOfferedAgent, recallOfferedAgent, rememberOfferedAgent } from './offered-agent.js';

/** TaskRouter event → lifecycle. task.canceled is special: only worth a message when a worker held it. */
const LIFECYCLE: Readonly<Record<string, Lifecycle>> = {
  'reservation.created': 'offered',
  'reservation.accepted': 'answered',
  'reservation.wrapup': 'wrapup',
  'reservation.completed': 'completed',
  'task.canceled': 'ended',
  'worker.activity.update': 'agent_state',
};

export const MAPPED_EVENTS = [
  ...Object.keys(LIFECYCLE),
  'reservation.rejected',
  'reservation.timeout',
  'reservation.rescinded',
];

/**
 * Reservations that stop ringing at a worker while the task lives on: rejected, not answered in time,
 * or taken by another worker. They end that worker's offered pop. A canceled reservation is left to the
 * task.canceled that comes with it (in either order), so that pop ends exactly once.
 */
const RINGING_ENDS = new Set(['reservation.rejected', 'reservation.timeout', 'reservation.rescinded']);

/** A TaskRouter transfer's own progress: the receiver's reservation carries the leg, nobody else pops. */
const TRANSFER_PROGRESS = /^task\.transfer-/;

export async function mapEvent(
  event: TaskRouterEvent,
  ctx: MapContext<TwilioFlexConfig>,
): Promise<Draft | Ignored> {
  const type = event.eventType;
  const { state } = ctx;
  if (type === 'task.created') {
    return ignore('task.created carries no worker yet; the pop comes with reservation.created/accepted');
  }
  if (type === 'task.updated') {
    return ignore(
      'task.updated: the task changed (its attributes, a conference joining or leaving); it offers the call to nobody new',
    );
  }
  if (TRANSFER_PROGRESS.test(type)) {
    return ignore(
      `${type}: a transfer's progress; the receiving worker's reservation is offered with its leg, the initiating worker keeps the one pop they had`,
    );
  }
  if (RINGING_ENDS.has(type) && event.taskSid)
    await forgetOfferedAgent(state, event.taskSid, event.workerSid);
  const lifecycle = lookUp(LIFECYCLE, type) ?? (RINGING_ENDS.has(type) ? 'ended' : undefined);
  if (!lifecycle) {
    if (type === 'reservation.canceled') {
      return ignore('reservation.canceled: the task was canceled; its task.canceled ends the pop');
    }
    return ignore(`event type ${type} is not one this connector maps (${MAPPED_EVENTS.join(', ')})`);
  }

  let agent = resolveAgent(event, ctx.config, ctx.directory);
  let workerSid = event.workerSid;
  if (type === 'task.canceled' && event.taskSid) {
    // Kept (it expires) rather than forgotten: a cancellation delivered again, because its first attempt
    // could not be stored, must map again; the outbox drops a true duplicate by its Sid.
    const offered = await recallOfferedAgent(state, event.taskSid);
    if ('missing' in agent && offered) {
      agent = { agentid: offered.agentid };
      workerSid = offered.workerSid;
    }
  }
  if ('missing' in agent) {
    return ignore(
      type === 'task.canceled'
        ? `task.canceled with no known worker (canceled in queue, nobody to pop): ${agent.missing}`
        : `no agent: ${agent.missing}`,
    );
  }
  const leg = lifecycle === 'offered' || lifecycle === 'answered' ? legOf(event, ctx.config) : undefined;
  if (leg && event.taskSid) {
    const call = leg.parent ?? event.taskSid;
    if (!(await firstPop(state, call, workerSid ?? agent.agentid, lifecycle, event.reservationSid))) {
      return ignore(
        `${type}: ${agent.agentid} already had this call (${call}) ${lifecycle}; one pop per agent per call`,
      );
    }
  }
  if (event.taskSid && type === 'reservation.created') {
    await rememberOfferedAgent(state, event.taskSid, {
      agentid: agent.agentid,
      ...(workerSid ? { workerSid } : {}),
    });
  } else if (event.taskSid && type === 'reservation.accepted') {
    // An accepted task can no longer be canceled, only completed.
    await forgetOfferedAgent(state, event.taskSid);
  }
  const props = withoutSecrets(
    {
      ...propsOf({ ...event, workerSid }, lifecycle, ctx.config.attributePrefix),
      ...(leg ? legProps(leg.leg, leg.parent) : {}),
    },
    [ctx.config.authToken, ...ctx.config.sharedKeySecrets],
  );
  const named =
    lifecycle === 'answered' ? popEvent(event.taskAttributes, ctx.config.eventAttributes) : undefined;
  return { agentid: agent.agentid, lifecycle, props, ...(named ? { event: named } : {}) };
}

/** The PopFlow event a task names for its screen pop (Studio's Send to Flex attributes), if any. */
function popEvent(task: Attributes | undefined, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = task ? text(attributeAt(task, name))?.trim() : undefined;
    if (value) return value;
  }
  return undefined;
}

/** Task attributes are free-form: one that happens to hold a signing secret is dropped, never sent on. */
function withoutSecrets(props: Props, secrets: readonly string[]): Props {
  return Object.fromEntries(
    Object.entries(props).filter(
      ([, value]) => !(typeof value === 'string' && secrets.some((secret) => value.includes(secret))),
    ),
  );
}

function propsOf(event: TaskRouterEvent, lifecycle: Lifecycle, prefix: string): Props {
  const task: Attributes = event.taskAttributes ?? {};
  const props: Props = { [PROP.nativeEvent]: event.eventType };
  const put = (name: string, value: string | undefined) => {
    if (value !== undefined) props[name] = value;
  };
  const numbers = numbersOf(task);
  put(PROP.interactionId, event.taskSid);
  put('taskSid', event.taskSid);
  put('reservationSid', event.reservationSid);
  put(PROP.ani, numbers.ani);
  put(PROP.dnis, numbers.dnis);
  put('callSid', text(task.call_sid));
  put(PROP.direction, numbers.direction);
  put(PROP.channel, channelOf(event));
  put(PROP.queue, event.taskQueueName);
  put(PROP.queueId, event.taskQueueSid);
  put(PROP.customerName, text(task.name) ?? text(task.customerName));
  put(PROP.agentPlatformId, event.workerSid);
  put('transferMode', event.transferMode);
  put('transferInitiatingWorkerSid', event.transferInitiatingWorkerSid);
  if (lifecycle === 'agent_state') {
    put(PROP.agentState, event.workerActivityName);
    put(PROP.previousAgentState, event.workerPreviousActivityName ?? event.workerPreviousActivitySid);
  }
  if (lifecycle === 'ended') put('canceledReason', event.taskCanceledReason);
  put(PROP.eventTime, event.eventTime);
  // The task's own attributes (Studio's "Send to Flex" keys and any custom ones), flat under the prefix.
  for (const [name, value] of Object.entries(flattenProps(task))) props[`${prefix}${name}`] = value;
  return props;
}
