// Finesse (UCCE and UCCX): dialog and user notifications that the OpenConnect gadget in gadget/ forwards
// as XML, bare <Update> or the XMPP <message> around it. Both platforms send the same Dialog XML; what
// differs (CCE call key and CVP ECCs, UCCX CSQ and user.task.id) only shows up as props.
import {
  bodyText,
  type Draft,
  defineSource,
  ignore,
  InputError,
  isIgnored,
  type MapContext,
  type Leg,
  type MapResult,
  tokenAuth,
} from '@openconnect/core';
import type { CiscoConfig, CiscoServices } from '../config.js';
import { agentLeg, dialogDraft, type Phase, phaseOf, transition } from './dialog.js';
import { alreadyPopped, customerOfCall, legOf, mergedAway, parentOf, startedByAgent } from './legs.js';
import { type Dialog, type FinesseEvent, toEvent } from './model.js';
import { stateKey, userDraft } from './user.js';
import { looksLikeXml, parseFinesse } from './xml.js';

export const TOKEN_HEADER = 'x-openconnect-token';

type Ctx = MapContext<CiscoConfig, CiscoServices>;

// Stryker disable next-line ObjectLiteral: false survivor: defineConnector throws at import, the test files collect no tests (checked by hand) (a source without detect)
export const finesse = defineSource<FinesseEvent, CiscoConfig, CiscoServices>({
  // Stryker disable next-line StringLiteral: false survivor: defineConnector throws at import, the test files collect no tests (checked by hand)
  id: 'finesse',
  description:
    'Cisco Finesse dialog and user notifications (UCCE, UCCX), forwarded as XML by the OpenConnect gadget',
  platforms: ['UCCE', 'UCCX'],
  // Stryker disable next-line ObjectLiteral: false survivor: tokenAuth({}) throws at import (no carriers to map), the test files collect no tests (checked by hand)
  ...tokenAuth<CiscoConfig>({
    scheme: 'shared-secret',
    secret: 'finesseToken',
    // Stryker disable next-line ObjectLiteral: false survivor: tokenAuth with a carrier {} throws at import, the test files collect no tests (checked by hand)
    in: [{ header: TOKEN_HEADER }],
    setBy: 'sent by the gadget (the token in its layout entry)',
  }),
  detect: looksLikeXml,
  parse: (req) => toEvent(parseFinesse(bodyText(req)), req),
  eventId: (event) => event.itemId ?? `body-${event.digest}`,
  async map(event, ctx) {
    // The gadget retries a 5xx, which the runner also answers when it could not store the messages. The
    // dialog has moved on by then, so the retry would pop nothing: it gets the first answer's messages
    // back instead (same event id, so the outbox keeps one when the first was stored after all).
    const replay = `finesse:sent:${event.itemId ?? event.digest}`;
    const earlier = await ctx.state.get<Draft[]>(replay);
    if (earlier?.length) return earlier;
    const result = await mapOnce(event, ctx);
    if (!isIgnored(result)) {
      await ctx.state.set(replay, Array.isArray(result) ? result : [result], REPLAY_TTL_MS);
    }
    return result;
  },
});

// Retries come within seconds; a quarter of an hour covers a runner restart in between.
const REPLAY_TTL_MS = 15 * 60 * 1000;

async function mapOnce(event: FinesseEvent, ctx: Ctx): Promise<MapResult> {
  if (event.kind === 'other') return ignore(`Finesse ${event.what} is not a dialog or user update`);
  if (!event.agent) {
    throw new InputError(
      'the notification names no agent: its <source> is not /finesse/api/User/{id}/..., it has no XMPP node, and the x-finesse-agent header is missing',
      'source',
    );
  }
  const loginId = event.agent;
  const agent = { loginId, login: ctx.directory.get(loginId) ?? loginId };
  const ttl = ctx.config.stateTtlMs;

  if (event.kind === 'user') {
    const { user } = event;
    if (event.verb === 'DELETE') return ignore(`Finesse user ${loginId} was deleted`);
    // The extension finds the agent's own leg in later dialogs, when the gadget did not send it.
    if (user.extension) await ctx.state.set(`finesse:ext:${loginId}`, user.extension, ttl);
    if (!user.state) return ignore(`the user update for ${loginId} has no state`);
    const key = `finesse:user:${loginId}`;
    const last = await ctx.state.get<string>(key);
    if (last === stateKey(user)) {
      return ignore(
        `agent ${loginId} is still ${user.state}${user.reasonCodeLabel ? ` (${user.reasonCodeLabel})` : ''}`,
      );
    }
    await ctx.state.set(key, stateKey(user), ttl);
    // Finesse sends no previous state; the one this connector last saw for the agent is it.
    return userDraft(user, agent.login, ctx.config, last?.split('|')[0]);
  }

  if (!event.dialogs.length) return ignore('the dialog update lists no dialogs');
  const extension = event.extension ?? (await ctx.state.get<string>(`finesse:ext:${loginId}`));
  const drafts: Draft[] = [];
  const reasons: string[] = [];
  for (const dialog of event.dialogs) {
    const why = await mapDialog(ctx, event, dialog, agent, extension, drafts);
    if (why) reasons.push(`dialog ${dialog.id}: ${why}`);
  }
  return drafts.length ? drafts : ignore(reasons.join('; '));
}

/** Adds the dialog's message to drafts, or says why it has none. */
async function mapDialog(
  ctx: Ctx,
  event: FinesseEvent,
  dialog: Dialog,
  agent: { login: string; loginId: string },
  extension: string | undefined,
  drafts: Draft[],
): Promise<string | undefined> {
  const ttl = ctx.config.stateTtlMs;
  const { loginId } = agent;
  const own = agentLeg(dialog, extension, loginId);
  const leg = legOf(dialog);
  // Without the gadget's header, the agent's only device leg on their own call gives the extension, which
  // later tells a consult this agent dials from one they are offered.
  if (!extension && leg === 'primary' && own?.mediaAddressType === 'AGENT_DEVICE' && own.mediaAddress) {
    await ctx.state.set(`finesse:ext:${loginId}`, own.mediaAddress, ttl);
  }
  if (leg === 'consult' && (await startedByAgent(ctx.state, ttl, loginId, dialog, extension, own))) {
    return `agent ${loginId} started this consult call (its fromAddress); their own consult leg is not popped to them`;
  }
  if (mergedAway(event.verb, leg, own)) {
    return `the consult call was merged into the surviving call (a transfer or conference completed); agent ${loginId} stays on the call`;
  }
  const state = own?.state ?? dialog.state;
  let phase = phaseOf(state, ctx.config, !isNonVoice(dialog));
  let native = state ?? event.verb;
  // DELETE: the dialog left the agent's list, whatever its last state said.
  if (event.verb === 'DELETE' && phase !== 'wrapup' && phase !== 'ended') {
    phase = 'ended';
    native = 'DELETE';
  }
  if (typeof phase !== 'string') return phase.none;
  const next = await advance(ctx, `finesse:dialog:${loginId}:${dialog.id}`, phase);
  if (typeof next !== 'string') return next.none;
  // An agent stays on the leg they came in on: a transfer or conference later changes the dialog's callType.
  const legKey = `finesse:leg:${loginId}:${dialog.id}`;
  const firstLeg = await ctx.state.get<Leg>(legKey);
  if (!firstLeg) await ctx.state.set(legKey, leg, ttl);
  if (next === 'offered' || next === 'answered') {
    const call = await alreadyPopped(ctx.state, ttl, loginId, dialog, next);
    if (call)
      return `agent ${loginId} already had ${next} for call ${call}; a ${firstLeg ?? leg} leg of it adds no pop`;
  }
  const parent = parentOf(dialog);
  const draft = dialogDraft(
    dialog,
    { lifecycle: next, state: native, leg: firstLeg ?? leg, parent, time: own?.stateChangeTime },
    agent,
    ctx.config,
  );
  await customerOfCall(ctx.state, ttl, dialog, leg, parent, draft.props);
  drafts.push(draft);
  return undefined;
}

/** Nonvoice dialog ids carry underscores (151635_312_1); voice ids are numeric. */
const isNonVoice = (dialog: Dialog) =>
  dialog.id.includes('_') || (dialog.mediaType !== undefined && !/^voice$/i.test(dialog.mediaType));

async function advance(ctx: Ctx, key: string, phase: Phase) {
  const next = transition(await ctx.state.get<Phase>(key), phase);
  if (typeof next === 'string') await ctx.state.set(key, phase, ctx.config.stateTtlMs);
  return next;
}
