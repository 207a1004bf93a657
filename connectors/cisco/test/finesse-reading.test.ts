// Reading a Finesse notification, the details the fixtures do not isolate: entity decoding, odd element shapes,
// the envelopes refused with 400 and what the answer says, the agent's id in a path, the dedupe digest.
import { createHash } from 'node:crypto';
import { createRuntime, handleRequest, InputError, selectSource, toInboundRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { finesse } from '../src/finesse/index.js';
import { decodeEntities, userIdInPath } from '../src/finesse/xml.js';
import { dialogs, finesseRequest, update } from './finesse-helpers.js';
import { FINESSE_TOKEN, services } from './helpers.js';

const runtime = () => createRuntime(connector, { options: { finesseToken: FINESSE_TOKEN } }, { services });
const feed = '/finesse/api/User/1001001/Dialogs';

/** What the runner answers: the messages (agent, lifecycle, props), the ignore reason, or status and body. */
async function answer(body: string, headers: Record<string, string> = {}) {
  const outcome = await handleRequest(runtime(), finesseRequest(body, headers));
  if (outcome.kind === 'accepted') return outcome.messages.map((m) => [m.agentid, m.lifecycle, m.props]);
  if (outcome.kind === 'ignored') return outcome.reason;
  return [outcome.answer.status, JSON.parse(outcome.answer.body ?? '{}').error];
}

const parseError = (body: string) => {
  try {
    finesse.parse(finesseRequest(body));
  } catch (error) {
    return error instanceof InputError ? [error.message, error.path] : error;
  }
  return 'parsed';
};

describe('Finesse entity decoding', () => {
  it('decodes the five predefined entities and decimal and hex character references', () => {
    expect(decodeEntities('&lt;b&gt; &amp; &quot;q&quot; &apos;a&apos; &#65;&#x42;&#x10FFFF;')).toBe(
      `<b> & "q" 'a' AB${String.fromCodePoint(0x10ffff)}`,
    );
  });

  it('leaves references outside Unicode, to NUL, too long or unknown as written', () => {
    expect(decodeEntities('&#0; &#x0; &#x110000; &#12345678; &#x1234567; &nbsp; &#x; &#;')).toBe(
      '&#0; &#x0; &#x110000; &#12345678; &#x1234567; &nbsp; &#x; &#;',
    );
  });

  it('decodes the largest decimal reference and leaves the next one as written', () => {
    expect(decodeEntities('&#1114111;|&#1114112;')).toBe(`${String.fromCodePoint(0x10ffff)}|&#1114112;`);
  });
});

describe('Finesse element shapes', () => {
  it('trims values, reads an element with attributes by its text, and a User element in either case', async () => {
    const body = update(
      '<User><loginId>  1001002 </loginId><state xml:space="preserve"> NOT_READY </state>' +
        '<reasonCodeId>7</reasonCodeId><ReasonCode><label> Break </label></ReasonCode></User>',
      'PUT',
      '/finesse/api/User/1001002',
    );
    expect(await answer(body)).toEqual([
      [
        '1001002',
        'agent_state',
        {
          lifecycle: 'agent_state',
          nativeEvent: 'NOT_READY',
          agentState: 'NOT_READY',
          reasonCode: 'Break',
          reasonCodeId: '7',
        },
      ],
    ]);
  });

  it('reads an element that has only attributes (xsi:nil) as empty', async () => {
    const body = update(
      '<user><loginId>1001003</loginId><state xsi:nil="true"/><extension>1003</extension></user>',
      'PUT',
      '/finesse/api/User/1001003',
    );
    expect(await answer(body)).toBe('the user update for 1001003 has no state');
  });

  it('keeps the exact-case element when a notification has both <user> and <User>', async () => {
    const body = update(
      '<User><loginId>1009999</loginId><state>READY</state></User><user><loginId>1001005</loginId><state>TALKING</state></user>',
      'PUT',
      '/finesse/api/User/1001005',
    );
    expect(await answer(body)).toEqual([
      ['1001005', 'agent_state', { lifecycle: 'agent_state', nativeEvent: 'TALKING', agentState: 'TALKING' }],
    ]);
  });

  it('maps only the elements of <mediaProperties>, not its attributes or stray text', async () => {
    const body = update(
      dialogs({ id: '21', state: 'ACTIVE' }).replace(
        '<mediaProperties>',
        '<mediaProperties kind="cce">stray<callType>ACD_IN</callType>',
      ),
      'PUT',
      feed,
    );
    expect(await answer(body)).toEqual([
      [
        '1001001',
        'answered',
        {
          lifecycle: 'answered',
          nativeEvent: 'ACTIVE',
          interactionId: '21',
          channel: 'voice',
          direction: 'inbound',
          leg: 'primary',
          dialogState: 'ACTIVE',
          callType: 'ACD_IN',
        },
      ],
    ]);
  });

  it('drops a CallVariable without a name and keeps one without a value as empty', async () => {
    const body = update(
      dialogs({ id: '22', state: 'ACTIVE' }).replace(
        '<callvariables></callvariables>',
        '<callvariables><CallVariable><value>orphan</value></CallVariable><CallVariable><name>callVariable2</name></CallVariable></callvariables>',
      ),
      'PUT',
      feed,
    );
    const [sent] = (await answer(body)) as [string, string, Record<string, unknown>][];
    expect(Object.entries(sent?.[2] ?? {}).filter(([, v]) => v === 'orphan' || v === '')).toEqual([
      ['callVariable2', ''],
    ]);
  });

  it('reads lower-case states, verbs and participant types as Finesse spells them upper-case', async () => {
    const body = update(
      dialogs({
        id: '23',
        state: 'active',
        legs: [{ address: '1001', type: 'agent_device', state: 'alerting' }],
      }),
      'post',
      feed,
    );
    expect(await answer(body)).toEqual([
      [
        '1001001',
        'offered',
        {
          lifecycle: 'offered',
          nativeEvent: 'ALERTING',
          interactionId: '23',
          channel: 'voice',
          leg: 'primary',
          dialogState: 'ACTIVE',
        },
      ],
    ]);
  });

  it('ends a dialog removed with a lower-case delete verb', async () => {
    const body = update(dialogs({ id: '24', state: 'ACTIVE' }), 'delete', feed);
    expect(
      ((await answer(body)) as unknown[][]).map(([, lifecycle, props]) => [
        lifecycle,
        (props as { nativeEvent: string }).nativeEvent,
      ]),
    ).toEqual([['ended', 'DELETE']]);
  });
});

describe('Finesse notifications refused with 400', () => {
  it('refuses an XMPP <message> whose notification holds no <Update>, naming what is missing', async () => {
    const body =
      '<message><event><items node="/finesse/api/User/1001001/Dialogs"><item id="x1"><notification></notification></item></items></event></message>';
    expect(await answer(body)).toEqual([400, 'the XMPP <message> carries no <notification><Update>']);
  });

  it('refuses an XMPP notification holding escaped text that is not XML', async () => {
    const body =
      '<message><event><items node="/finesse/api/User/1001001/Dialogs"><item id="x1"><notification>Update pending</notification></item></items></event></message>';
    expect(await answer(body)).toEqual([400, 'the XMPP <message> carries no <notification><Update>']);
  });

  it('refuses more than one <Update> in one request', () => {
    const two = '<Update><event>PUT</event></Update>'.repeat(2);
    const body = `<message><event><items node="${feed}"><item id="x2"><notification>${two}</notification></item></items></event></message>`;
    expect(parseError(body)).toEqual([
      'the XML holds more than one <Update>; send one per request',
      undefined,
    ]);
  });

  it('refuses an empty <Update>', async () => {
    expect(await answer('<Update/>')).toEqual([400, 'the <Update> element is empty']);
  });

  it('refuses a dialog without an id, naming its position', () => {
    const body = update(
      '<dialogs><Dialog><id>1</id><state>ACTIVE</state></Dialog><Dialog><state>ACTIVE</state></Dialog></dialogs>',
      'PUT',
      feed,
    );
    expect(parseError(body)).toEqual(['Dialog 2 has no <id>', 'Dialog.1.id']);
  });

  it('refuses a user without a loginId', () => {
    const body = update('<user><state>READY</state></user>', 'PUT', '/finesse/api/User/1001002');
    expect(parseError(body)).toEqual(['the <User> has no <loginId>', 'User.loginId']);
  });

  it('refuses a dialog update that names no agent, and says where the agent is looked for', async () => {
    const body = update(dialogs({ state: 'ACTIVE' }), 'PUT', '/finesse/api/Dialog/16817');
    expect(await answer(body)).toEqual([
      400,
      'the notification names no agent: its <source> is not /finesse/api/User/{id}/..., it has no XMPP node, and the x-finesse-agent header is missing',
    ]);
  });
});

describe('Finesse updates that are not dialogs or users', () => {
  it('names an update without data by its source', async () => {
    const body = '<Update><data></data><event>PUT</event><source>/finesse/api/SystemInfo</source></Update>';
    expect(await answer(body)).toBe(
      'Finesse an update from /finesse/api/SystemInfo is not a dialog or user update',
    );
  });

  it('names an update without data or source as from an unknown source', async () => {
    expect(await answer('<Update><data></data><event>PUT</event></Update>')).toBe(
      'Finesse an update from an unknown source is not a dialog or user update',
    );
  });

  it('names an update by its first element, not its attributes or text', async () => {
    const body =
      '<Update><data version="2">note<Team><id>5000</id></Team></data><event>PUT</event><source>/finesse/api/Team/5000</source></Update>';
    expect(await answer(body)).toBe('Finesse <Team> is not a dialog or user update');
  });
});

describe('Finesse agent', () => {
  it('reads the Finesse user id from a path, decoding it, and nothing from other paths', () => {
    expect(
      [
        '/finesse/api/User/1001001',
        '/finesse/api/User/1001001/Dialogs',
        '/finesse/api/user/j%40smith/Dialogs',
        '/finesse/api/User/50%zz/Dialogs',
        '/finesse/api/User/',
        '/finesse/api/User/ 1001001',
        '/finesse/api/User/1001001x/../',
        '/finesse/api/Users/1001001',
        '/relay/finesse/api/User/1001001',
        '/finesse/api/Dialog/16817',
        undefined,
      ].map(userIdInPath),
    ).toEqual([
      '1001001',
      '1001001',
      'j@smith',
      '50%zz',
      undefined,
      undefined,
      '1001001x',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('takes the agent and extension from the gadget headers with surrounding spaces trimmed', async () => {
    const body = update(
      dialogs({
        id: '25',
        state: 'ACTIVE',
        legs: [
          { address: '1002', type: 'AGENT_DEVICE', state: 'ACTIVE' },
          { address: '1001', type: 'AGENT_DEVICE', state: 'HELD' },
        ],
      }),
      'PUT',
      '/finesse/api/Dialog/25',
    );
    const sent = (await answer(body, {
      'x-finesse-agent': ' 1001001 ',
      'x-finesse-extension': ' 1001 ',
    })) as unknown[][];
    expect(sent.map(([agent, lifecycle]) => [agent, lifecycle])).toEqual([['1001001', 'held']]);
  });

  it('keys a notification without an item id by a SHA-256 of the agent, a newline and the raw body', async () => {
    const body = update(dialogs({ id: '26', state: 'ALERTING' }), 'POST', feed);
    const outcome = await handleRequest(runtime(), finesseRequest(body));
    const digest = createHash('sha256').update(`1001001\n${body}`).digest('hex').slice(0, 40);
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => m.dedupeKey)).toEqual([
      `cisco/finesse/body-${digest}`,
    ]);
  });

  it('keys an XMPP notification by its pubsub item id', async () => {
    const inner = update(dialogs({ id: '27', state: 'ALERTING' }), 'POST', '/finesse/api/Dialog/27');
    const body = `<message><event><items node="${feed}"><item id="item-27"><notification>${inner}</notification></item></items></event></message>`;
    const outcome = await handleRequest(runtime(), finesseRequest(body));
    expect(outcome.kind === 'accepted' && outcome.messages.map((m) => [m.agentid, m.dedupeKey])).toEqual([
      ['1001001', 'cisco/finesse/item-27'],
    ]);
  });
});

describe('Finesse detection', () => {
  const pick = (body: string | Buffer, headers: Record<string, string>) => {
    const picked = selectSource(
      connector,
      toInboundRequest({ url: 'http://localhost/webhooks/cisco', headers, body }),
      undefined,
    );
    return 'id' in picked ? picked.id : picked.error;
  };

  it('picks finesse for an XML body behind a byte order mark', () => {
    expect(pick(`\uFEFF<Update><event>PUT</event></Update>`, { 'content-type': 'text/plain' })).toBe(
      'finesse',
    );
  });

  it('picks finesse for any body sent with an XML content type', () => {
    expect(pick('  not yet XML', { 'content-type': 'application/xml' })).toBe('finesse');
    expect(pick('  not yet XML', { 'content-type': 'text/xml' })).toBe('finesse');
  });

  it('does not pick finesse for a body that only has a < after its first 512 bytes', () => {
    expect(pick(`${' '.repeat(600)}<Update/>`, { 'content-type': 'text/plain' })).not.toBe('finesse');
  });
});
