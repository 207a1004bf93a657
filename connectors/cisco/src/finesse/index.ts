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
  type MapResult,
  tokenAuth,
} from '@openconnect/core';
import type { CiscoConfig, CiscoServices } from '../config.js';
import { agentLeg, dialogDraft, type Phase, phaseOf, transition } from './dialog.js';
import { type FinesseEvent, toEvent } from './model.js';
import { stateKey, userDraft } from './user.js';
import { looksLikeXml, parseFinesse } from './xml.js';

export const TOKEN_HEADER = 'x-openconnect-token';

type Ctx = MapContext<CiscoConfig, CiscoServices>;

export const finesse = defineSource<FinesseEvent, CiscoConfig, CiscoServices>({
  id: 'finesse',
  description:
    'Cisco Finesse dialog and user notifications (UCCE, UCCX), forwarded as XML by the OpenConnect gadget',
  platforms: ['UCCE', 'UCCX'],
  ...tokenAuth<CiscoConfig>({
    scheme: 'shared-secret',
    secret: 'finesseToken',
    in: [{ header: TOKEN_HEADER }],
    setBy: "sent by the gadget (the token in its layout entry)",
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
    if ((await ctx.state.get<string>(key)) === stateKey(user)) {
      return ignore(
        `agent ${loginId} is still ${user.state}${user.reasonCodeLabel ? ` (${user.reasonCodeLabel})` : ''}`,
      );
    }
    await ctx.state.set(key, stateKey(user), ttl);
    return userDraft(user, agent.login, ctx.config);
  }

  if (!event.dialogs.length) return ignore('the dialog update lists no dialogs');
  const extension = event.extension ?? (await ctx.state.get<string>(`finesse:ext:${loginId}`));
  const drafts: Draft[] = [];
  const reasons: string[] = [];
  for (const dialog of event.dialogs) {
    const state = agentLeg(dialog, extension)?.state ?? dialog.state;
    let phase = phaseOf(state, ctx.config);
    let native = state ?? event.verb;
    // DELETE: the dialog left the agent's list, whatever its last state said.
    if (event.verb === 'DELETE' && phase !== 'wrapup' && phase !== 'ended') {
      phase = 'ended';
      native = 'DELETE';
    }
    if (typeof phase !== 'string') {
      reasons.push(`dialog ${dialog.id}: ${phase.none}`);
      continue;
    }
    const next = await advance(ctx, `finesse:dialog:${loginId}:${dialog.id}`, phase);
    if (typeof next !== 'string') {
      reasons.push(`dialog ${dialog.id}: ${next.none}`);
      continue;
    }
    drafts.push(dialogDraft(dialog, { lifecycle: next, state: native }, agent, ctx.config));
  }
  return drafts.length ? drafts : ignore(reasons.join('; '));
}

async function advance(ctx: Ctx, key: string, phase: Phase) {
  const next = transition(await ctx.state.get<Phase>(key), phase);
  if (typeof next === 'string') await ctx.state.set(key, phase, ctx.config.stateTtlMs);
  return next;
}
