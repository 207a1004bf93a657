// Builders for Finesse notification XML in tests: the same shapes as the fixtures, with the parts a test varies.
import { toInboundRequest } from '@openconnect/core';
import { FINESSE_TOKEN } from './helpers.js';

export interface DialogSpec {
  id?: string;
  state: string;
  legs?: { address: string; type?: string; state: string }[];
  from?: string;
  to?: string;
  media?: Record<string, string>;
  variables?: [string, string][];
}

export function dialogXml(spec: DialogSpec): string {
  const media = Object.entries(spec.media ?? {})
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('');
  const variables = (spec.variables ?? [])
    .map(([n, v]) => `<CallVariable><name>${n}</name><value>${v}</value></CallVariable>`)
    .join('');
  const legs = (spec.legs ?? [])
    .map(
      (p) =>
        `<Participant><actions><action>DROP</action></actions><mediaAddress>${p.address}</mediaAddress>` +
        `<mediaAddressType>${p.type ?? ''}</mediaAddressType><state>${p.state}</state></Participant>`,
    )
    .join('');
  return (
    `<Dialog><fromAddress>${spec.from ?? ''}</fromAddress><id>${spec.id ?? '16817'}</id>` +
    `<mediaProperties>${media}<callvariables>${variables}</callvariables></mediaProperties><mediaType>Voice</mediaType>` +
    `<participants>${legs}</participants><state>${spec.state}</state><toAddress>${spec.to ?? ''}</toAddress></Dialog>`
  );
}

export const update = (data: string, event: string, source: string) =>
  `<Update><data>${data}</data><event>${event}</event><requestId></requestId><source>${source}</source></Update>`;

export const dialogs = (...specs: DialogSpec[]) => `<dialogs>${specs.map(dialogXml).join('')}</dialogs>`;

export function finesseRequest(body: string, headers: Record<string, string> = {}) {
  return toInboundRequest({
    method: 'POST',
    url: 'http://localhost/webhooks/cisco/finesse',
    headers: { 'content-type': 'application/xml', 'x-openconnect-token': FINESSE_TOKEN, ...headers },
    body,
  });
}
