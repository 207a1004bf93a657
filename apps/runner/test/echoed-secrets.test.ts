// A vendor that echoes secrets back (a Five9 Web Connector given the jwt or the token as a call variable,
// or as a variable's name), through a real runner: no configured secret (the OpenConnect jwt, the admin
// token, this or another connector's secret) reaches OpenConnect, the outbox, the log or any answer.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { connectors } from '@openconnect/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_SECRET, acme } from './helpers/acme.js';
import { ADMIN_TOKEN, ref, startTestRunner, TEST_JWT, type TestRunner, until } from './helpers/runner.js';

const FIVE9_TOKEN = 'five9-token-0123456789';
const SECRETS = { TEST_JWT, ADMIN_TOKEN, ACME_SECRET, FIVE9_TOKEN };
const five9 = connectors.find((c) => c.id === 'five9')!;

/** Which of the secrets appear in the text, by name. */
const found = (text: string) =>
  Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => name);

describe('secrets a vendor echoes, through a real runner', () => {
  let t: TestRunner;
  const answers: string[] = [];
  const call = async (pathname: string, init: RequestInit = {}) => {
    const res = await fetch(`${t.runner.url}${pathname}`, init);
    const text = await res.text();
    answers.push(`${res.status} ${JSON.stringify(Object.fromEntries(res.headers))} ${text}`);
    return { status: res.status, text };
  };

  beforeAll(async () => {
    t = await startTestRunner({
      connectors: [acme, five9],
      env: { FIVE9_TOKEN },
      config: {
        logLevel: 'trace',
        connectors: {
          acme: { options: { secret: ref('ACME_SECRET') } },
          five9: { options: { token: ref('FIVE9_TOKEN') } },
        },
      },
    });
  });
  afterAll(() => t.close());

  it('delivers the event with every secret scrubbed from prop names and values', async () => {
    const accepted = await call('/webhooks/five9/web-connector', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        trigger: 'OnCallAccepted',
        token: FIVE9_TOKEN,
        agent: 'jdoe',
        call_id: '300000000012345',
        note: TEST_JWT,
        [TEST_JWT]: 'named like the jwt',
        [`var.${FIVE9_TOKEN}`]: 'named like the token',
        echoed: `key=${FIVE9_TOKEN}`,
        admin: ADMIN_TOKEN,
        other: `acme ${ACME_SECRET}`,
      }),
    });
    expect(accepted.status).toBe(200);
    const [message] = await t.emulator.waitFor(1);
    expect(message!.props).toMatchObject({
      interactionId: '300000000012345',
      note: '[redacted]',
      '[redacted]': 'named like the jwt',
      'var.[redacted]': 'named like the token',
      echoed: 'key=[redacted]',
      admin: '[redacted]',
      other: 'acme [redacted]',
    });
  });

  it('answers an ignored request without the secret it echoes', async () => {
    const ignored = await call(
      `/webhooks/five9/web-connector?trigger=${TEST_JWT}&token=${FIVE9_TOKEN}&agent=jdoe`,
    );
    expect(ignored.status).toBe(200);
    expect(ignored.text).toContain('trigger &#34;[redacted]&#34; is not a Five9 Web Connector trigger');
  });

  it("answers a path naming a secret without echoing it, the runner's refusals included", async () => {
    expect((await call(`/webhooks/${TEST_JWT}`, { method: 'POST' })).status).toBe(404);
    expect((await call(`/webhooks/five9/${FIVE9_TOKEN}`, { method: 'POST' })).status).toBe(404);
    expect((await call(`/webhooks/five9/web-connector/${ADMIN_TOKEN}/x`, { method: 'POST' })).status).toBe(
      404,
    );
  });

  it('leaves no secret in OpenConnect, the outbox, the log or any answer', async () => {
    await until(async () => (await t.runner.outbox.stats()).delivered === 1, 10_000, 'the delivery');
    const stored = JSON.stringify(await t.runner.outbox.list({ limit: 1000 }));
    const files = readdirSync(t.dir)
      .filter((name) => name.startsWith('outbox.db'))
      .map((name) => readFileSync(path.join(t.dir, name)).toString('latin1'))
      .join('');
    expect({
      openconnect: found(JSON.stringify(t.emulator.messages)),
      outbox: found(stored),
      outboxFiles: found(files),
      logs: found(t.logs.join('')),
      answers: found(answers.join('\n')),
    }).toEqual({ openconnect: [], outbox: [], outboxFiles: [], logs: [], answers: [] });
    expect(answers).toHaveLength(5);
  });
});
