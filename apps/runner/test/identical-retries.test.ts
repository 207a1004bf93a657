// Sources whose vendor sends no event id (Five9's Web Connector, the Amazon Connect contact-flow forwarder,
// the PureConnect and PureEngage relays), through a real runner: a request retried byte for byte (a proxy
// or load balancer that lost the 2xx sends it again) is stored and delivered once; a request whose bytes
// differ is stored again.
import { connectors } from '@openconnect/registry';
import { afterEach, describe, expect, it } from 'vitest';
import { ref, startTestRunner, type TestRunner, until } from './helpers/runner.js';

const FIVE9_TOKEN = 'five9-token-0123456789';
const CONNECT_KEY = 'connect-api-key-0123456789';
const PURECONNECT_TOKEN = 'pureconnect-token-0123456789';
const PUREENGAGE_TOKEN = 'pureengage-token-0123456789';

const registered = (id: string) => connectors.find((c) => c.id === id)!;

const settings = {
  five9: { options: { token: ref('FIVE9_TOKEN') } },
  'amazon-connect': { options: { apiKey: ref('CONNECT_KEY'), region: 'eu-central-1' } },
  genesys: { options: { pureconnectToken: ref('PURECONNECT_TOKEN'), pureengageToken: ref('PUREENGAGE_TOKEN') } },
};
const env = { FIVE9_TOKEN, CONNECT_KEY, PURECONNECT_TOKEN, PUREENGAGE_TOKEN };

interface Retried {
  /** What the vendor sends; `other`: a request whose bytes differ (for PureEngage, whose mapping sends only
   * changes, another call state). */
  request(other: boolean): { path: string; init: RequestInit };
}

const json = (headers: Record<string, string>, body: unknown, other: boolean): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  // A trailing newline: the same event to the connector, other bytes to the digest.
  body: JSON.stringify(body) + (other ? '\n' : ''),
});

const SOURCES: Record<string, Retried> = {
  'five9/web-connector': {
    request: (other) => ({
      path: `/webhooks/five9/web-connector?trigger=OnCallAccepted&token=${FIVE9_TOKEN}&agent=jdoe&call_id=300000000012345&ani=9255550143${other ? '&note=again' : ''}`,
      init: { method: 'GET' },
    }),
  },
  'amazon-connect/contact-flow': {
    request: (other) => ({
      path: '/webhooks/amazon-connect/contact-flow',
      init: json(
        { 'x-api-key': CONNECT_KEY },
        {
          Name: 'ContactFlowEvent',
          Details: {
            ContactData: { ContactId: 'c3a1e5f7-0b2d-4e6f-8a1c-3e5f7a9b1d20', Channel: 'VOICE', Attributes: { caseId: '42' } },
            Parameters: { agentLogin: 'maria.lopez' },
          },
        },
        other,
      ),
    }),
  },
  'genesys/pureconnect': {
    request: (other) => ({
      path: '/webhooks/genesys/pureconnect',
      init: json(
        { authorization: `Bearer ${PURECONNECT_TOKEN}` },
        {
          __type: 'urn:inin.com:status:userStatusMessage',
          isDelta: true,
          userStatusList: [{ userId: 'jdoe', statusId: 'Available', loggedIn: true, onPhone: false }],
        },
        other,
      ),
    }),
  },
  'genesys/pureengage': {
    request: (other) => ({
      path: '/webhooks/genesys/pureengage',
      init: json(
        { authorization: `Bearer ${PUREENGAGE_TOKEN}`, 'x-genesys-agent': 'jdoe' },
        {
          channel: '/workspace/v3/voice',
          data: {
            messageType: 'CallStateChanged',
            notificationType: 'StateChange',
            call: { id: '007b02a6c1b3e4f1', state: other ? 'Held' : 'Established', callType: 'Inbound', ani: '3175550142' },
          },
        },
        false,
      ),
    }),
  },
};

let test: TestRunner | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

async function start(config: Record<string, unknown> = {}) {
  test = await startTestRunner({
    connectors: [registered('five9'), registered('amazon-connect'), registered('genesys')],
    env,
    config: { connectors: settings, ...config },
  });
  return test;
}

async function send(t: TestRunner, retried: Retried, other = false) {
  const { path, init } = retried.request(other);
  const res = await fetch(`${t.runner.url}${path}`, init);
  const body = await res.text();
  expect(res.status, body).toBe(200);
}

/** Once nothing is left to deliver: what was stored and what OpenConnect received. */
async function settled(t: TestRunner) {
  await until(async () => {
    const stats = await t.runner.outbox.stats();
    return stats.queued + stats.retrying === 0;
  }, 10_000, 'the outbox to drain');
  return { stored: (await t.runner.outbox.list({ limit: 1000 })).length, delivered: t.emulator.messages.length };
}

describe.each(Object.entries(SOURCES))('%s, a source without an event id, through a real runner', (_name, retried) => {
  it('stores and delivers a byte-identical retry once', async () => {
    const t = await start();
    await send(t, retried);
    await send(t, retried);
    expect(await settled(t)).toEqual({ stored: 1, delivered: 1 });
  });

  it('stores and delivers a request whose bytes differ again', async () => {
    const t = await start();
    await send(t, retried);
    await send(t, retried, true);
    expect(await settled(t)).toEqual({ stored: 2, delivered: 2 });
  });
});

describe('the identical-request window (delivery.identicalRequestWindowMs)', () => {
  it('forgets a request after the window: the same bytes later are a new event', async () => {
    const t = await start({ delivery: { identicalRequestWindowMs: 300 } });
    const five9 = SOURCES['five9/web-connector']!;
    await send(t, five9);
    await send(t, five9);
    await new Promise((r) => setTimeout(r, 400));
    await send(t, five9);
    expect(await settled(t)).toEqual({ stored: 2, delivered: 2 });
  });

  it('0 switches it off: every request is stored', async () => {
    const t = await start({ delivery: { identicalRequestWindowMs: 0 } });
    const five9 = SOURCES['five9/web-connector']!;
    await send(t, five9);
    await send(t, five9);
    expect(await settled(t)).toEqual({ stored: 2, delivered: 2 });
  });
});
