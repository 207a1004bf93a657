// The XML itself: attacks refused with 400 before anything expands, entities in values decoded,
// repeated elements read the same whether they occur once or many times.
import { createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { dialogs, finesseRequest, update } from './finesse-helpers.js';
import { FINESSE_TOKEN, services } from './helpers.js';

const runtime = () => createRuntime(connector, { options: { finesseToken: FINESSE_TOKEN } }, { services });
const source = '/finesse/api/User/1001001/Dialogs';

describe('Finesse XML', () => {
  it('refuses entity expansion (billion laughs) with 400', async () => {
    const body =
      '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>' +
      `<Update><data><user><loginId>&c;</loginId></user></data><event>PUT</event><source>${source}</source></Update>`;
    const outcome = await handleRequest(runtime(), finesseRequest(body));
    expect([outcome.kind, outcome.answer.status]).toEqual(['invalid', 400]);
  });

  it('refuses an external entity with 400 and never shows the file', async () => {
    const body =
      '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
      `<Update><data><user><loginId>&x;</loginId><state>READY</state></user></data><event>PUT</event><source>${source}</source></Update>`;
    const outcome = await handleRequest(runtime(), finesseRequest(body));
    expect(outcome.answer.status).toBe(400);
    expect(outcome.answer.body).toContain('DOCTYPE');
    expect(outcome.answer.body).not.toContain('root:');
  });

  it('refuses a lower-case doctype too', async () => {
    const body = `<!doctype u [<!entity x SYSTEM "file:///etc/hostname">]><Update><event>PUT</event><source>${source}</source></Update>`;
    expect((await handleRequest(runtime(), finesseRequest(body))).answer.status).toBe(400);
  });

  it('maps a call variable holding <!DOCTYPE in a CDATA section like any other value', async () => {
    const body = update(
      dialogs({
        state: 'ALERTING',
        variables: [['callVariable1', '<![CDATA[<!DOCTYPE html><!ENTITY x "y"> pasted by an agent]]>']],
      }),
      'POST',
      source,
    );
    const outcome = await handleRequest(runtime(), finesseRequest(body));
    expect(
      outcome.kind === 'accepted' && [
        outcome.messages[0]?.lifecycle,
        outcome.messages[0]?.props.callVariable1,
      ],
    ).toEqual(['offered', '<!DOCTYPE html><!ENTITY x "y"> pasted by an agent']);
  });

  it('maps Finesse XML with <!DOCTYPE inside a comment as if the comment were not there', async () => {
    const plain = update(
      dialogs({ state: 'ALERTING', variables: [['callVariable1', 'VIP']] }),
      'POST',
      source,
    );
    const commented = `<!-- relayed; no <!DOCTYPE or <!ENTITY here -->${plain.replace('<data>', '<data><!-- <!DOCTYPE x> -->')}`;
    const [expected, outcome] = await Promise.all([
      handleRequest(runtime(), finesseRequest(plain)),
      handleRequest(runtime(), finesseRequest(commented)),
    ]);
    // The same messages; only a digest of the bytes (the dedupe key of a body without an event id) differs.
    const mapped = (o: typeof outcome) =>
      o.kind === 'accepted' ? o.messages.map(({ dedupeKey: _bytes, ...message }) => message) : o.kind;
    expect(mapped(outcome)).toEqual(mapped(expected));
    expect(mapped(outcome)).toHaveLength(1);
  });

  it('decodes &amp; and character references in values, once', async () => {
    const body = update(
      dialogs({
        state: 'ALERTING',
        variables: [['callVariable3', 'Smith &amp; Sons &#8211; &amp;lt;VIP&amp;gt;']],
      }),
      'POST',
      source,
    );
    const outcome = await handleRequest(runtime(), finesseRequest(body));
    expect(outcome.kind === 'accepted' && outcome.messages[0]?.props.callVariable3).toBe(
      'Smith & Sons – &lt;VIP&gt;',
    );
  });

  it('reads a single CallVariable and Participant the same as several', async () => {
    const body = update(
      dialogs({
        state: 'ACTIVE',
        variables: [['callVariable1', 'only']],
        legs: [{ address: '1001', type: 'AGENT_DEVICE', state: 'HELD' }],
      }),
      'POST',
      source,
    );
    const outcome = await handleRequest(runtime(), finesseRequest(body));
    expect(
      outcome.kind === 'accepted' && [
        outcome.messages[0]?.lifecycle,
        outcome.messages[0]?.props.callVariable1,
      ],
    ).toEqual(['held', 'only']);
  });

  it('refuses a body that is not XML with 400 naming the problem', async () => {
    const outcome = await handleRequest(runtime(), finesseRequest('{"not":"xml"}'), 'finesse');
    expect(outcome.answer.status).toBe(400);
    expect(outcome.answer.body).toContain('not XML');
  });

  it('refuses an XML document that is not a Finesse notification with 400', async () => {
    const outcome = await handleRequest(runtime(), finesseRequest('<html><body>hi</body></html>'));
    expect(outcome.answer.status).toBe(400);
    expect(outcome.answer.body).toContain('neither a Finesse <Update> nor an XMPP <message>');
  });

  it('keeps a call variable whose name is a canonical prop or a reserved field as callvariables.<name>', async () => {
    const body = update(
      dialogs({
        id: '16817',
        state: 'ACTIVE',
        variables: [
          ['interactionId', 'spoofed'],
          ['event', 'spoofed'],
        ],
      }),
      'POST',
      source,
    );
    const outcome = await handleRequest(runtime(), finesseRequest(body));
    const props = outcome.kind === 'accepted' ? outcome.messages[0]?.props : {};
    expect([
      props?.interactionId,
      props?.event,
      props?.['callvariables.interactionId'],
      props?.['callvariables.event'],
    ]).toEqual(['16817', undefined, 'spoofed', 'spoofed']);
  });
});
