// The connector as a deployment sees it: its options and their defaults, what it tells the admin about each
// source, and the per-task queue that keeps a task's events one at a time.
import { DEFAULT_STATE_TTL_MS } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector, { config, createServices } from '../src/index.js';
import { finesse } from '../src/finesse/index.js';
import { webexCc } from '../src/webex-cc/index.js';

const problems = (options: Record<string, unknown>) => {
  const parsed = config.safeParse(options);
  return parsed.success ? [] : parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message]);
};

describe('Cisco options', () => {
  it('defaults to ignoring dialing, a 5-minute Webex window and core’s state TTL', () => {
    expect(config.parse({})).toEqual({
      finesseOutboundInitiated: 'ignore',
      webexCcToleranceMs: 300_000,
      stateTtlMs: DEFAULT_STATE_TTL_MS,
    });
  });

  it('refuses a finesseToken under 16 characters and a webexCcSecret under 8, saying so', () => {
    expect(problems({ finesseToken: 'x'.repeat(15), webexCcSecret: 'x'.repeat(7) })).toEqual([
      ['finesseToken', 'finesseToken must be at least 16 characters'],
      ['webexCcSecret', 'webexCcSecret must be at least 8 characters'],
    ]);
    expect(problems({ finesseToken: 'x'.repeat(16), webexCcSecret: 'x'.repeat(8) })).toEqual([]);
  });

  it('redacts both secrets', () => {
    expect(connector.secrets).toEqual(['finesseToken', 'webexCcSecret']);
  });
});

describe('What the admin is told', () => {
  it('names the connector and its platforms', () => {
    expect([connector.id, connector.displayName, connector.platforms]).toEqual([
      'cisco',
      'Cisco',
      ['UCCE', 'UCCX', 'Webex Contact Center'],
    ]);
  });

  it('describes the finesse source and its token', () => {
    expect([
      finesse.id,
      finesse.description,
      finesse.platforms,
      finesse.auth?.scheme,
      finesse.auth?.summary,
    ]).toEqual([
      'finesse',
      'Cisco Finesse dialog and user notifications (UCCE, UCCX), forwarded as XML by the OpenConnect gadget',
      ['UCCE', 'UCCX'],
      'shared-secret',
      'header x-openconnect-token = option finesseToken, sent by the gadget (the token in its layout entry)',
    ]);
  });

  it('describes the webex-cc source and its signature', () => {
    expect([webexCc.id, webexCc.description, webexCc.platforms, webexCc.auth?.summary]).toEqual([
      'webex-cc',
      'Webex Contact Center task and agent webhooks (Subscriptions API), signed with the subscription secret',
      ['Webex Contact Center'],
      "header x-webexcc-signature: hex HMAC-SHA256 of the body with option webexCcSecret, given as the subscription's secret when it was created",
    ]);
  });
});

describe('the per-key queue', () => {
  /** A task the test settles by hand, recording when it starts. */
  function gate(log: string[], name: string) {
    let settle: (fail: boolean) => void = () => undefined;
    const fn = () =>
      new Promise<string>((resolve, reject) => {
        log.push(`start ${name}`);
        settle = (fail) => (fail ? reject(new Error(name)) : resolve(name));
      });
    return { fn, settle: (fail = false) => settle(fail) };
  }
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('runs a key’s functions one after another, even after one fails, and other keys at once', async () => {
    const { serial } = createServices();
    const log: string[] = [];
    const [a, b, other] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'other')];
    const runA = serial('k', a.fn).catch((error: Error) => `failed ${error.message}`);
    const runB = serial('k', b.fn);
    const runOther = serial('j', other.fn);
    await tick();
    expect(log).toEqual(['start a', 'start other']);
    a.settle(true);
    await tick();
    expect(log).toEqual(['start a', 'start other', 'start b']);
    b.settle();
    other.settle();
    expect(await Promise.all([runA, runB, runOther])).toEqual(['failed a', 'b', 'other']);
  });

  it('keeps a third function waiting for the second when the first settles', async () => {
    const { serial } = createServices();
    const log: string[] = [];
    const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const runA = serial('k', a.fn);
    const runB = serial('k', b.fn);
    await tick();
    a.settle();
    await tick();
    const runC = serial('k', c.fn);
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    b.settle();
    await tick();
    c.settle();
    expect([await runA, await runB, await runC, log]).toEqual([
      'a',
      'b',
      'c',
      ['start a', 'start b', 'start c'],
    ]);
  });

  it('starts a key afresh once its queue has run empty', async () => {
    const { serial } = createServices();
    expect(await serial('k', async () => 1)).toBe(1);
    await tick();
    expect(await serial('k', async () => 2)).toBe(2);
  });
});
