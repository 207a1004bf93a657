// Webex Contact Center native webhooks (Subscriptions API): task:* and agent:* CloudEvents, signed with
// the subscription secret. Task events name no agent, so they are joined to the agent's channel state
// events on taskId (join.ts); the agent UUID becomes a login through the directory.
import {
  type Draft,
  defineSource,
  detectJson,
  header,
  ignore,
  isIgnored,
  type Lifecycle,
  legProps,
  type MapContext,
  type MapResult,
  normaliseChannel,
  normaliseDirection,
  PROP,
  type Props,
  setIfAbsent,
} from '@openconnect/core';
import type { CiscoConfig, CiscoServices } from '../config.js';
import { parseWebexRequest, type WebexEvent } from './event.js';
import {
  type AgentProgress,
  emptyRecord,
  legFor,
  mergeInfo,
  nextMode,
  release,
  type Step,
  type TaskInfo,
  type TaskRecord,
  taskOwner,
} from './join.js';
import { SIGNATURE_HEADER, webexAuth } from './signature.js';

export const PLATFORM = 'Webex Contact Center';

type Ctx = MapContext<CiscoConfig, CiscoServices>;

/** Task events that are a step of the call. Others (new, parked, consulting...) only update the record. */
const TASK_STEPS = new Map<string, Lifecycle>([
  ['task:connect', 'offered'],
  ['task:connected', 'answered'],
  ['task:on-hold', 'held'],
  ['task:hold-done', 'resumed'],
  ['task:conference-transferred', 'transferred'],
  ['task:ended', 'ended'],
]);

/** agent:channel_state_change currentState → a step of the task it names. */
const CHANNEL_STEPS = new Map<string, Lifecycle>([
  ['ringing', 'offered'],
  ['connected', 'answered'],
  ['on-hold', 'held'],
  ['hold-done', 'resumed'],
  ['wrapup', 'wrapup'],
  ['wrapup-done', 'completed'],
]);

/** Channel states that describe the agent rather than a task. */
const AGENT_STATES = new Set(['available', 'idle', 'not-responding']);

const AGENT_EVENTS = new Set([
  'agent:login',
  'agent:logout',
  'agent:state_change',
  'agent:channelType_state_change',
]);

const isWebexEvent = detectJson((body) => {
  const type = (body as { type?: unknown } | null)?.type;
  return typeof type === 'string' && /^(task|agent|capture|task-message):/.test(type);
});

// Stryker disable next-line ObjectLiteral: false survivor: defineConnector throws at import, the test files collect no tests (checked by hand) (a source without detect)
export const webexCc = defineSource<WebexEvent, CiscoConfig, CiscoServices>({
  // Stryker disable next-line StringLiteral: false survivor: defineConnector throws at import, the test files collect no tests (checked by hand)
  id: 'webex-cc',
  description:
    'Webex Contact Center task and agent webhooks (Subscriptions API), signed with the subscription secret',
  platforms: [PLATFORM],
  ...webexAuth,
  // Any body signed as Webex signs, else a CloudEvent of a Webex event type.
  detect: (req) => header(req, SIGNATURE_HEADER) !== undefined || isWebexEvent(req),
  parse: parseWebexRequest,
  eventId: (event) => event.id,
  async map(event, ctx) {
    // Deliveries repeat, even at the same moment: the first to claim the id maps it, so a repeat never moves
    // the join state a second time. A repeat gets the first mapping's messages again: if the runner could
    // not store them (and answered 503), the retry delivers them; if it did, the outbox keeps one (same
    // dedupe key). A failed mapping gives the claim back, so the retry is mapped.
    const seen = `wxcc:seen:${event.id}`;
    const ttl = ctx.config.stateTtlMs;
    if (!(await setIfAbsent(ctx.state, seen, {}, ttl))) {
      const first = (await ctx.state.get<{ drafts?: Draft[] }>(seen))?.drafts;
      return first?.length ? first : ignore(`duplicate delivery of event ${event.id}`);
    }
    const taskId = event.data.taskId;
    let result: MapResult;
    try {
      result = taskId
        ? await ctx.services.serial(`task:${taskId}`, () => mapOnce(event, ctx))
        : await mapOnce(event, ctx);
    } catch (error) {
      await ctx.state.delete(seen).catch(() => undefined);
      throw error;
    }
    if (!isIgnored(result))
      await ctx.state.set(seen, { drafts: Array.isArray(result) ? result : [result] }, ttl);
    return result;
  },
});

async function mapOnce(event: WebexEvent, ctx: Ctx): Promise<MapResult> {
  const { type, data } = event;
  if (type === 'agent:channel_state_change') {
    const state = data.currentState?.toLowerCase();
    if (!state) return ignore(`${type} has no currentState`);
    if (AGENT_STATES.has(state) || !data.taskId) return agentState(event, state, ctx);
    const step = CHANNEL_STEPS.get(state);
    return onTask(
      event,
      data.taskId,
      step ? { lifecycle: step, nativeEvent: `${type}:${state}`, time: timeOf(event) } : undefined,
      ctx,
      state,
    );
  }
  if (AGENT_EVENTS.has(type)) return agentState(event, undefined, ctx);
  if (type.startsWith('task:')) {
    if (!data.taskId) return ignore(`${type} carries no taskId`);
    const step = TASK_STEPS.get(type);
    return onTask(
      event,
      data.taskId,
      step ? { lifecycle: step, nativeEvent: type, time: timeOf(event) } : undefined,
      ctx,
      type,
    );
  }
  return ignore(`event type ${type} is not a task or agent event this connector maps`);
}

async function onTask(
  event: WebexEvent,
  taskId: string,
  step: Step | undefined,
  ctx: Ctx,
  /** The task event type or channel state, which may change what the task is doing (a consult...). */
  word: string,
): Promise<MapResult> {
  const key = `wxcc:task:${taskId}`;
  const record: TaskRecord = (await ctx.state.get<TaskRecord>(key)) ?? emptyRecord();
  const mode = nextMode(record, word);
  if (mode) record.mode = mode;
  else delete record.mode;
  const fromAgent = event.type.startsWith('agent:');
  record.info = mergeInfo(record.info, event.data, !fromAgent);
  if (fromAgent && event.data.agentId) record.agentId = event.data.agentId;
  const save = () => ctx.state.set(key, record, ctx.config.stateTtlMs);

  // An agent event is for its agent; a task event for the agent who has the customer (not a consulted one).
  const agentId = fromAgent ? record.agentId : taskOwner(record);
  if (!agentId) {
    if (step) record.pending.push(step);
    await save();
    return ignore(
      step
        ? `${event.type} for task ${taskId} names no agent; kept until an agent:channel_state_change names one`
        : `${event.type} for task ${taskId} recorded (caller and queue for later events)`,
    );
  }
  const login = ctx.directory.get(agentId);
  if (!login) {
    if (step) record.pending.push(step);
    await save();
    return ignore(
      `agent ${agentId} is not in the directory: add "${agentId}": "<agent login>" to the cisco directory`,
    );
  }
  const steps = [...record.pending, ...(step ? [step] : [])];
  record.pending = [];
  let progress = record.progress.find((p) => p.agentId === agentId);
  if (!progress) {
    progress = { agentId, sent: [], held: false, leg: legFor(record, agentId) };
    record.progress.push(progress);
  }
  const { sent, skipped } = release(progress, steps);
  await save();
  if (!sent.length) {
    return ignore(
      skipped.length
        ? skipped.join('; ')
        : `${event.type} for task ${taskId} recorded; it is not a step this connector sends`,
    );
  }
  return sent.map((s) => taskDraft(s, taskId, record.info, progress, login));
}

function taskDraft(step: Step, taskId: string, info: TaskInfo, agent: AgentProgress, login: string): Draft {
  const { agentId } = agent;
  const props: Props = {};
  const set = (name: string, value: string | undefined) => {
    if (value) props[name] = value;
  };
  set(PROP.nativeEvent, step.nativeEvent);
  set(PROP.interactionId, taskId);
  set(PROP.platform, PLATFORM);
  set(PROP.channel, normaliseChannel(info.channelType));
  const direction = normaliseDirection(info.direction);
  set(PROP.direction, direction);
  // Every leg keeps the taskId, which is the id of the call's first leg too.
  Object.assign(props, legProps(agent.leg ?? 'primary', taskId));
  // Outbound (belief): origin is the caller id the contact center presents, destination the number dialed.
  set(PROP.ani, direction === 'outbound' ? info.destination : info.origin);
  set(PROP.dnis, direction === 'outbound' ? info.origin : info.destination);
  set(PROP.eventTime, step.time);
  set(PROP.queueId, info.queueId);
  set(PROP.agentPlatformId, agentId);
  set('outboundType', info.outboundType);
  if (step.lifecycle === 'ended' || step.lifecycle === 'wrapup' || step.lifecycle === 'completed') {
    set('reason', info.reason);
    set('terminatingParty', info.terminatingParty);
  }
  if (step.lifecycle === 'completed') set(PROP.disposition, info.wrapUpAuxCodeId);
  return { agentid: login, lifecycle: step.lifecycle, props };
}

/** The event's comciscotimestamp (epoch ms) as ISO 8601, when it is one. */
function timeOf(event: WebexEvent): string | undefined {
  const ms = Number(event.comciscotimestamp);
  if (!event.comciscotimestamp || !Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

async function agentState(event: WebexEvent, channelState: string | undefined, ctx: Ctx): Promise<MapResult> {
  const { type, data } = event;
  if (!data.agentId) return ignore(`${type} carries no agentId`);
  const login = ctx.directory.get(data.agentId);
  if (!login) {
    return ignore(
      `agent ${data.agentId} is not in the directory: add "${data.agentId}": "<agent login>" to the cisco directory`,
    );
  }
  const state =
    type === 'agent:login'
      ? 'LoggedIn'
      : type === 'agent:logout'
        ? 'LoggedOut'
        : (channelState ?? data.currentState ?? data.state);
  if (!state) return ignore(`${type} has no state`);
  // Webex sends no previous state (belief: none in the event reference); the one last seen for the agent is it.
  const key = `wxcc:agent:${data.agentId}`;
  const previous = await ctx.state.get<string>(key);
  await ctx.state.set(key, state, ctx.config.stateTtlMs);
  const props: Props = {};
  const set = (name: string, value: string | undefined) => {
    if (value) props[name] = value;
  };
  set(PROP.nativeEvent, channelState ? `${type}:${channelState}` : type);
  set(PROP.agentState, state);
  set(PROP.previousAgentState, previous);
  set(PROP.eventTime, timeOf(event));
  set(PROP.platform, PLATFORM);
  set(PROP.agentPlatformId, data.agentId);
  set(PROP.channel, normaliseChannel(data.channelType));
  set('idleCodeId', data.idleCodeId);
  set('idleCodeName', data.idleCodeName);
  set('teamId', data.teamId);
  return { agentid: login, lifecycle: 'agent_state', props };
}
