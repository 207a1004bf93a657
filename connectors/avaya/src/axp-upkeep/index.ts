// The runner keeps its own AXP WEBHOOK subscription alive: finds the one pointing at PUBLIC_URL/webhooks/avaya/axp
// (creates it when missing, deletes duplicates), renews it before it expires with a fresh access token and the
// authToken the `axp` source verifies, and renews at once when AXP set it INACTIVE. It carries no events:
// they keep arriving on the `axp` webhook. A subscription AXP forgot (404) ends the session; the next creates it.
import { defineSubscription, type SessionContext, SessionError } from '@openconnect/core';
import { PLATFORM } from '../axp.js';
import { type AvayaConfig, axpUpkeepEnabled } from '../config.js';
import { type AxpClient, type AxpSubscription, createAxpClient, expiryOf } from './client.js';

type Ctx = SessionContext<AvayaConfig>;

/** AXP's endpoint against ours, trailing slashes aside (ours, ctx.webhookUrl's, ends with the source id). */
const sameUrl = (a: string | undefined, ours: string) => a !== undefined && a.replace(/\/+$/, '') === ours;
const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));

/** Ours: a WEBHOOK subscription of our family whose endpoint is this runner's axp webhook. */
const isOurs = (subscription: AxpSubscription, endpoint: string, family: string) =>
  subscription.transport?.type?.toUpperCase() === 'WEBHOOK' &&
  sameUrl(subscription.transport.endpoint, endpoint) &&
  subscription.family === family;

/** Of several of ours, keep the ACTIVE one that lives longest. */
function pickOne(found: AxpSubscription[], now: number): AxpSubscription {
  const rank = (s: AxpSubscription) => (s.status === 'ACTIVE' ? 1 : 0) * 1e15 + expiryOf(s, now);
  return [...found].sort((a, b) => rank(b) - rank(a))[0]!;
}

/** The subscription to keep: ours if AXP has it (duplicates deleted), a new one otherwise. */
async function findOrCreate(
  ctx: Ctx,
  api: AxpClient,
  endpoint: string,
): Promise<{ subscription: AxpSubscription; created: boolean }> {
  const { config } = ctx;
  const transport = {
    type: 'WEBHOOK' as const,
    endpoint,
    authToken: config.authToken!,
    authTokenHeader: config.authTokenHeader,
  };
  const create = async () => {
    const subscription = await api.create({
      family: config.axpFamily,
      events: [...config.axpEvents],
      transport,
    });
    ctx.log.info(
      { subscriptionId: subscription.subscriptionId, endpoint, events: config.axpEvents },
      'created the AXP subscription to this runner',
    );
    return { subscription, created: true };
  };
  const ours = (await api.list()).filter((s) => isOurs(s, endpoint, config.axpFamily));
  if (!ours.length) return create();
  const kept = pickOne(ours, ctx.now());
  const extra = ours.filter((s) => s !== kept);
  for (const duplicate of extra) await api.remove(duplicate.subscriptionId);
  if (extra.length) {
    ctx.log.warn(
      { kept: kept.subscriptionId, deleted: extra.map((s) => s.subscriptionId), endpoint },
      `found ${ours.length} AXP subscriptions to this runner; kept one and deleted the others (AXP would send every event once per subscription)`,
    );
  }
  // Stryker disable next-line OptionalChaining: a subscription taken as ours has a transport (isOurs read its endpoint)
  const header = kept.transport?.authTokenHeader;
  const changed = [
    ...(kept.events && !sameSet(kept.events, config.axpEvents) ? ['axpEvents'] : []),
    ...(header && header.toLowerCase() !== config.authTokenHeader ? ['authTokenHeader'] : []),
  ];
  if (changed.length) {
    // Renewing changes neither: a new subscription first, then the old one goes (no gap).
    const fresh = await create();
    await api.remove(kept.subscriptionId);
    ctx.log.info(
      { replaced: kept.subscriptionId, by: fresh.subscription.subscriptionId },
      `${changed.join(' and ')} changed: replaced the AXP subscription`,
    );
    return fresh;
  }
  return { subscription: kept, created: false };
}

async function keepSubscription(ctx: Ctx): Promise<void> {
  const { config } = ctx;
  const endpoint = ctx.webhookUrl('axp');
  const api = createAxpClient({ config, http: ctx.http, signal: ctx.signal, now: ctx.now });
  let shown: string | undefined;
  /** Status follows AXP's: ACTIVE is connected; INACTIVE is degraded until a renewal brings it back. */
  const report = (subscription: AxpSubscription) => {
    const id = subscription.subscriptionId;
    const [status, detail] =
      subscription.status === 'ACTIVE'
        ? (['connected', `AXP subscription ${id} ACTIVE, delivering to ${endpoint}`] as const)
        : subscription.status === 'INACTIVE'
          ? (['degraded', `AXP subscription ${id} is INACTIVE (nothing is delivered); renewing it`] as const)
          : ([
              'connecting',
              `AXP subscription ${id} is ${subscription.status ?? 'in an unknown state'}; waiting for ACTIVE`,
            ] as const);
    if (`${status} ${detail}` === shown) return;
    shown = `${status} ${detail}`;
    ctx.status(status, detail);
  };
  const renew = async (id: string) => {
    const renewed = await api.renew(id, config.authToken!);
    report(renewed);
    return renewed;
  };

  try {
    ctx.status('connecting', `signing in to AXP as API client ${config.axpClientId}`);
    const tokenExpiresAt = await api.login();
    ctx.renewBefore('AXP access token', tokenExpiresAt, () => api.login());

    const found = await findOrCreate(ctx, api, endpoint);
    const id = found.subscription.subscriptionId;
    // A subscription found in AXP is renewed at once: that reactivates it and puts the current authToken in place.
    const subscription = found.created ? found.subscription : await renew(id);
    if (!found.created)
      ctx.log.info(
        { subscriptionId: id, endpoint },
        'reusing the AXP subscription to this runner (renewed it)',
      );
    report(subscription);
    ctx.renewBefore('AXP subscription', expiryOf(subscription, ctx.now()), async () =>
      expiryOf(await renew(id), ctx.now()),
    );

    while (!ctx.signal.aborted) {
      await ctx.sleep(config.axpCheckIntervalMs);
      if (ctx.signal.aborted) break;
      const current = await api.get(id);
      if (!current)
        throw new SessionError(
          `AXP no longer knows subscription ${id} (404; deleted?); the next session creates it again`,
        );
      report(current);
      if (current.status === 'INACTIVE') {
        ctx.log.warn({ subscriptionId: id }, 'AXP set the subscription INACTIVE; renewing it now');
        await renew(id);
      }
    }
  } catch (error) {
    // Stopped (shutdown, or a failed renewal the host already holds): end quietly.
    if (ctx.signal.aborted) return;
    throw error;
  }
}

export const axpUpkeep = defineSubscription<unknown, AvayaConfig>({
  id: 'axp-upkeep',
  description:
    'Keeps the AXP AGENT_ENGAGEMENT WEBHOOK subscription to this runner alive (creates, renews, reactivates it); its events arrive on the axp webhook',
  platforms: [PLATFORM],
  enabled: axpUpkeepEnabled,
  connect: keepSubscription,
});
