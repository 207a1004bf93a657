// CXone without a relay, for many agents: the runner polls the Real-Time Data API itself. Each round reads
// agents/states then contacts/active, each with `updatedSince` = the server's lastPollTime from the round
// before, so nothing is missed between polls; each changed contact becomes one frame, mapped like the same
// contact in an agent session. The contacts' lastPollTime is the saved position: a restart resumes there.
import { defineSubscription, ignore, type SessionContext, SessionError } from '@openconnect/core';
import { agentEvents, mapAgentBatch } from './agent-events.js';
import { cxoneReady, type InContactConfig } from './config.js';
import { type CxoneApi, createCxoneApi } from './cxone/api.js';
import {
  awaitsWrapUp,
  batchOf,
  noId,
  onContact,
  type RtdEvent,
  type RtdFrame,
  readRtdFrame,
  rtdEventId,
} from './cxone/realtime.js';
import { flatten } from './vendor-values.js';

type Ctx = SessionContext<InContactConfig, unknown, RtdFrame>;
type Row = Record<string, unknown>;

const PERMISSION = 'the Real-Time Data API (the Real-Time Data / reporting view permissions)';
// A tenant with more contacts than this many pages holds is read in the next round.
const MAX_PAGES = 50;
// Contacts that ended while their agent was still on them (after-call work), per agent: completed once the
// agent moves off them.
const wrapUpKey = (agentId: string) => `rtd:wrapup:${agentId}`;

const isRecord = (value: unknown): value is Row =>
  !!value && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
const earliest = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined ? a : Date.parse(b) < Date.parse(a) ? b : a;

interface Listing {
  rows: Row[];
  lastPollTime?: string;
}

/** One listing, following next-page links; undefined when CXone answered something unreadable (counted). */
async function list(
  ctx: Ctx,
  api: CxoneApi,
  path: string,
  field: string,
  query: Record<string, string | undefined>,
) {
  const what = `polling ${path}`;
  const listing: Listing = { rows: [] };
  let next: string | undefined = path;
  let q: Record<string, string | undefined> | undefined = query;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const answer: Awaited<ReturnType<CxoneApi['call']>> = await api.call('GET', next, {
      what,
      permission: PERMISSION,
      ...(q ? { query: q } : {}),
    });
    if (answer.status === 304 || answer.status === 204) break; // nothing changed since updatedSince
    if (answer.status !== 200)
      throw new SessionError(
        `CXone answered HTTP ${answer.status} (${what}): check cxoneApiUrl and cxoneApiVersion`,
      );
    // Older API versions wrap the answer in resultSet.
    const body =
      isRecord(answer.data) && isRecord(answer.data.resultSet) ? answer.data.resultSet : answer.data;
    const rows = isRecord(body) ? body[field] : undefined;
    if (answer.malformed || !isRecord(body) || (rows !== undefined && !Array.isArray(rows))) {
      ctx.badFrame(`${path} answered ${answer.malformed ?? `no ${field} list`}; the round is read again`);
      return undefined;
    }
    listing.rows.push(...((rows as unknown[] | undefined) ?? []).filter(isRecord));
    if (page === 0 && typeof body.lastPollTime === 'string') listing.lastPollTime = body.lastPollTime;
    const links = isRecord(answer.data) ? answer.data._links : undefined;
    next = isRecord(links) && typeof links.next === 'string' && links.next ? links.next : undefined;
    q = undefined;
  }
  return listing;
}

/** contacts/active once, or once per skill and team filter (contacts of any of them). */
async function listContacts(
  ctx: Ctx,
  api: CxoneApi,
  since: string | undefined,
): Promise<Listing | undefined> {
  const c = ctx.config;
  const filters = [
    ...c.cxoneRealtimeSkillIds.map((skillId) => ({ skillId })),
    ...c.cxoneRealtimeTeamIds.map((teamId) => ({ teamId })),
  ];
  const merged: Listing = { rows: [] };
  const seen = new Set<string>();
  for (const filter of filters.length ? filters : [{}]) {
    const listing = await list(ctx, api, 'contacts/active', 'activeContacts', {
      updatedSince: since,
      ...filter,
    });
    if (!listing) return undefined;
    for (const row of listing.rows) {
      const key = `${text(row.contactId)}/${text(row.lastUpdateTime)}`;
      if (!seen.has(key)) merged.rows.push(row);
      seen.add(key);
    }
    // The earliest of the answers, so no filter's changes fall between two rounds.
    merged.lastPollTime = earliest(merged.lastPollTime, listing.lastPollTime);
  }
  merged.rows.sort((a, b) => Date.parse(text(a.lastUpdateTime)) - Date.parse(text(b.lastUpdateTime)) || 0);
  return merged;
}

/** Contacts of this agent whose wrap-up the agent has now finished: their `completed` frame. */
async function finishWrapUps(ctx: Ctx, agent: Row) {
  const agentId = text(agent.agentId);
  const waiting = await ctx.state.get<Record<string, Row>>(wrapUpKey(agentId));
  if (!waiting) return;
  const flat = flatten(agent);
  const left: Record<string, Row> = {};
  for (const [contactId, contact] of Object.entries(waiting)) {
    if (onContact(flatten(contact), flat)) left[contactId] = contact;
    else await ctx.emit({ contact, agent });
  }
  if (Object.keys(left).length) await ctx.state.set(wrapUpKey(agentId), left);
  else await ctx.state.delete(wrapUpKey(agentId));
}

async function awaitWrapUp(ctx: Ctx, contact: Row) {
  const key = wrapUpKey(text(contact.agentId));
  const waiting = (await ctx.state.get<Record<string, Row>>(key)) ?? {};
  await ctx.state.set(key, { ...waiting, [text(contact.contactId)]: contact });
}

async function poll(ctx: Ctx) {
  const c = ctx.config;
  const api = createCxoneApi({ http: ctx.http, config: c, signal: ctx.signal, now: ctx.now });
  ctx.status('connecting', `getting a CXone token for access key ${c.cxoneAccessKeyId}`);
  ctx.renewBefore('CXone token', await api.login(), () => api.login());
  // The latest agents/states record of each agent: the first round lists every agent (user names, ACW).
  const agents = new Map<string, Row>();
  let agentsSince: string | undefined;
  let contactsSince = ctx.position;
  let rounds = 0;
  const teams = new Set(c.cxoneRealtimeTeamIds);
  while (!ctx.signal.aborted) {
    const agentList = await list(ctx, api, 'agents/states', 'agentStates', { updatedSince: agentsSince });
    if (agentList) {
      for (const agent of agentList.rows) {
        const agentId = text(agent.agentId);
        if (noId(agentId) || (teams.size && !teams.has(text(agent.teamId)))) continue;
        agents.set(agentId, agent);
        await ctx.emit({ agent });
        await finishWrapUps(ctx, agent);
      }
      agentsSince = agentList.lastPollTime ?? agentsSince;
    }
    const contactList = await listContacts(ctx, api, contactsSince);
    if (contactList) {
      // Contacts not yet routed to an agent pop nothing for anyone.
      const changed = contactList.rows.filter(
        (row) => !noId(text(row.agentId)) && !noId(text(row.contactId)),
      );
      for (const [index, contact] of changed.entries()) {
        const agent = agents.get(text(contact.agentId));
        const frame: RtdFrame = agent ? { contact, agent } : { contact };
        const last = index === changed.length - 1 && contactList.lastPollTime;
        // Remembered before the frame is stored (and the position saved past it): a runner stopped in
        // between still sends completed when the agent moves off the contact.
        // Read without the frame's checks: a record they refuse is counted by the host when emitted.
        const read = { contact: flatten(contact), ...(agent ? { agent: flatten(agent) } : {}) };
        if (awaitsWrapUp(read, c)) await awaitWrapUp(ctx, contact);
        await ctx.emit(frame, last ? { position: last } : {});
      }
      contactsSince = contactList.lastPollTime ?? contactsSince;
    }
    if (rounds++ === 0) {
      const filters =
        c.cxoneRealtimeSkillIds.length + c.cxoneRealtimeTeamIds.length ? ' (filtered by skill/team)' : '';
      ctx.status(
        'connected',
        `polling the Real-Time Data API every ${c.cxoneRealtimeIntervalMs} ms: ${agents.size} agent(s)${filters}`,
      );
    }
    await ctx.sleep(c.cxoneRealtimeIntervalMs);
  }
}

export const rtdPoll = defineSubscription<RtdEvent, InContactConfig, unknown, RtdFrame>({
  id: 'rtd-poll',
  description:
    'CXone Real-Time Data API polled by the runner (contacts/active, agents/states): no relay, many agents',
  enabled: (c) => cxoneReady(c) && c.cxoneRealtime,
  parse: readRtdFrame,
  eventId: rtdEventId,
  map: (event, ctx) =>
    event.contact || ctx.config.cxoneRealtimeAgentStates
      ? mapAgentBatch(batchOf(event, ctx.config), ctx)
      : ignore(
          'agent states from the Real-Time Data API are not popped (set cxoneRealtimeAgentStates to pop them)',
        ),
  stateWrites: agentEvents.stateWrites,
  async connect(ctx) {
    try {
      await poll(ctx);
    } catch (error) {
      if (ctx.signal.aborted) return; // a stop, not a failure
      throw error;
    }
  },
});
