// The "Invoke AWS Lambda function" block's event, forwarded to the runner (or handled in place by the
// Lambda deploy). Connect puts no agent in it: the flow passes the login as a block parameter.
import {
  addVendorProps,
  defineSource,
  detectJson,
  type Draft,
  ignore,
  isLifecycle,
  PROP,
  parseJson,
  parseWith,
} from '@openconnect/core';
import { z } from 'zod';
import { arnId, fromDirectory } from './arns.js';
import { apiKeyAuth } from './auth.js';
import type { AmazonConnectConfig } from './config.js';
import { channelOf, defined, directionOf, scalarEntries, VENDOR_PREFIX } from './props.js';

const text = z.string().nullish();
const endpoint = z.object({ Address: text, Type: text }).nullish();

const contactFlowEvent = z.object({
  Name: z.literal('ContactFlowEvent', { error: 'Name must be ContactFlowEvent' }).optional(),
  Details: z.object({
    ContactData: z.object({
      Attributes: z.record(z.string(), z.unknown()).nullish(),
      Channel: text,
      ContactId: z.string().min(1),
      InitialContactId: text,
      PreviousContactId: text,
      InitiationMethod: text,
      InstanceARN: text,
      CustomerEndpoint: endpoint,
      SystemEndpoint: endpoint,
      // null until the flow has set a queue.
      Queue: z.object({ ARN: text, Name: text }).nullish(),
    }),
    Parameters: z.record(z.string(), z.unknown()).nullish(),
  }),
});
export type ContactFlowEvent = z.output<typeof contactFlowEvent>;

export const contactFlow = defineSource<ContactFlowEvent, AmazonConnectConfig>({
  id: 'contact-flow',
  description:
    'The contact-flow "Invoke AWS Lambda function" event (Name: ContactFlowEvent), forwarded as JSON',
  platforms: ['Amazon Connect'],
  ...apiKeyAuth,
  detect: detectJson((json) => {
    const body = json as { Name?: unknown; Details?: { ContactData?: unknown } };
    return (
      body.Name === 'ContactFlowEvent' ||
      (typeof body.Details?.ContactData === 'object' && body.Details.ContactData !== null)
    );
  }),
  parse: (req) => parseWith(contactFlowEvent, parseJson(req), 'contact-flow event'),
  map(event, { config, directory }) {
    const contact = event.Details.ContactData;
    const parameters = event.Details.Parameters ?? {};
    const login = parameters[config.agentParameter];
    if (typeof login !== 'string' || !login.trim()) {
      return ignore(
        `the flow block passed no agent login: set the block parameter "${config.agentParameter}" to $.Agent.UserName`,
      );
    }
    const named = parameters[config.lifecycleParameter];
    const word = typeof named === 'string' ? named.trim() : '';
    const draft: Draft = {
      // A flow may pass the agent ARN or user id instead of the login; the directory translates those.
      agentid: fromDirectory(directory, login) ?? login,
      // The block usually sits in the agent whisper flow, which runs as the agent is connected.
      lifecycle: !word ? 'answered' : isLifecycle(word) ? word : 'custom',
      ...(word && !isLifecycle(word) ? { event: word } : {}),
      props: defined({
        [PROP.nativeEvent]: 'ContactFlowEvent',
        [PROP.interactionId]: contact.ContactId,
        [PROP.ani]: contact.CustomerEndpoint?.Address,
        [PROP.dnis]: contact.SystemEndpoint?.Address,
        [PROP.channel]: channelOf(contact.Channel),
        [PROP.direction]: directionOf(contact.InitiationMethod),
        [PROP.queue]: contact.Queue?.Name,
        [PROP.queueId]: arnId(contact.Queue?.ARN),
        initialContactId: contact.InitialContactId,
        previousContactId: contact.PreviousContactId,
        initiationMethod: contact.InitiationMethod,
      }),
    };
    // The block's own parameters first: a contact attribute of the same name travels as attributes.<name>.
    const skip = [config.agentParameter, config.lifecycleParameter];
    addVendorProps(draft.props, scalarEntries(parameters, skip), VENDOR_PREFIX);
    addVendorProps(draft.props, scalarEntries(contact.Attributes), VENDOR_PREFIX);
    return draft;
  },
});
