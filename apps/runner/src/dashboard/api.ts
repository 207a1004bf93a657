// Admin routes the dashboard needs beyond the admin API: activity counts and the test send. Registered
// inside the admin scope, so they take its sign-in check, JSON bodies and redaction.
import { eventNameWarnings, type PreparedMessage, validateMessage } from '@openconnect/core';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { describeIssues, notJson } from '../admin/json.js';
import type { ServerContext } from '../context.js';
import type { DeliveryRecord, Outbox } from '../outbox/types.js';
import { sendError } from '../reply.js';

const testSendBody = z.strictObject({
  agentid: z.string().min(1, 'agentid is required'),
  event: z.string().min(1, 'event is required'),
  props: z.record(z.string().min(1), z.string()).default({}),
});
const TEST_SEND_JSON = '{"agentid", "event", "props"}';

const FINAL: DeliveryRecord['status'][] = ['delivered', 'dead'];

/** Waits until the test message has an answer (or the outbox paused on a 401), up to `timeoutMs`. */
async function awaitAnswer(
  outbox: Outbox,
  id: string,
  timeoutMs: number,
): Promise<DeliveryRecord | undefined> {
  const until = Date.now() + timeoutMs;
  let record = await outbox.get(id);
  while (
    record &&
    !FINAL.includes(record.status) &&
    record.lastStatus === undefined &&
    !record.lastError &&
    !outbox.pausedReason()
  ) {
    if (Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 100));
    record = await outbox.get(id);
  }
  return record;
}

function hintsFor(record: DeliveryRecord, paused: string | undefined): string[] {
  const hints: string[] = [...eventNameWarnings(record.event)];
  if (record.lastStatus === 401 || paused) {
    hints.push(
      'The API key was rejected: a key re-generated in Experience Cloud voids the old one. Set the current key of type OpenConnect, then resume delivery.',
    );
  } else if (record.status === 'delivered') {
    hints.push(
      `OpenConnect accepted it. If no PopFlow ran: is a PopFlow published to the event "${record.event}" exactly (case and length: ${record.event.length} characters)?`,
    );
    hints.push(
      `Is the agent "${record.agentid}" logged in to the OpenMethods client with exactly that login (case-sensitive)?`,
    );
    hints.push(
      'Was the API key re-generated after this runner was configured? Re-generated keys void the old one.',
    );
  } else if (record.status === 'dead') {
    hints.push(
      'OpenConnect refused it for good: check the crmid (the CRM domain or Zendesk hostname), the agent id and the event name.',
    );
  } else {
    hints.push('No answer yet: OpenConnect may be unreachable; the message stays queued and is retried.');
  }
  return hints;
}

export function dashboardApi(ctx: Pick<ServerContext, 'outbox' | 'activity'>): FastifyPluginAsync {
  return async (scope) => {
    scope.get('/activity', async () => ({ activity: ctx.activity.summary() }));

    scope.post('/test-send', { config: { jsonBody: TEST_SEND_JSON } }, async (request, reply) => {
      if (request.body === undefined) return sendError(reply, 400, notJson(TEST_SEND_JSON));
      const parsed = testSendBody.safeParse(request.body);
      if (!parsed.success) return sendError(reply, 400, describeIssues(parsed.error));
      const { agentid, event, props } = parsed.data;
      let checkedProps: PreparedMessage['props'];
      try {
        // Placeholders stand in for the jwt and crmid: only the sender holds them.
        checkedProps = validateMessage({
          agentid,
          event,
          jwt: 'x',
          crmid: 'x',
          props: { ...props, nativeEvent: 'test-send', lifecycle: 'custom' },
        }).message.props;
      } catch (error) {
        return sendError(reply, 400, (error as Error).message);
      }
      const { stored } = await ctx.outbox.enqueue([
        {
          connector: 'dashboard',
          source: 'test-send',
          agentid,
          event,
          lifecycle: 'custom',
          props: checkedProps,
        },
      ]);
      const record = await awaitAnswer(ctx.outbox, stored[0]!.id, 10_000);
      return {
        delivery: record ?? stored[0],
        hints: hintsFor(record ?? stored[0]!, ctx.outbox.pausedReason()),
      };
    });
  };
}
