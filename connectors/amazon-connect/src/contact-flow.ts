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
import { legPropsOf, methodLeg } from './call-legs.js';
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
      // null until the flow has set a queue; some flows hand over a plain string (a name or an ARN).
      Queue: z.union([z.object({ ARN: text, Name: text }), z.string()]).nullish(),
    }),
    Parameters: z.record(z.string(), z.unknown()).nullish(),
  }),
});
export type ContactFlowEvent = z.output<typeof contactFlowEvent>;

// Stryker disable next-line ObjectLiteral: false survivor: an empty source makes defineConnector throw at import, the test files collect no tests (checked by hand)
export const contactFlow = defineSource<ContactFlowEvent, AmazonConnectConfig>({
  // Stryker disable next-line StringLiteral: false survivor: an empty id makes defineConnector throw at import, the test files collect no tests (checked by hand)
  id: 'contact-flow',
  description:
    'The contact-flow "Invoke AWS Lambda function" event (Name: ContactFlowEvent), forwarded as JSON',
  platforms: ['Amazon Connect'],
  ...apiKeyAuth,
  detect: detectJson((json) => {
    const body = json as { Name?: unknown; Details?: { ContactData?: unknown } };
    return (
      body.Name === 'ContactFlowEvent' ||
      // Stryker disable next-line OptionalChaining: without Details the plain access throws, which detectJson answers with false, as here
      (typeof body.Details?.ContactData === 'object' && body.Details.ContactData !== null)
    );
  }),
  parse: (req) => parseWith(contactFlowEvent, parseJson(req), 'contact-flow event'),
  map(event, { config, directory }) {
    const contact = event.Details.ContactData;
    const parameters = event.Details.Parameters ?? {};
    const [agentName, eventName] = parameterNames(config);
    const login = firstText(parameters, agentName);
    if (!login) {
      return ignore(
        `the flow block passed no agent login: set the block parameter "${config.agentParameter}" to $.Agent.UserName`,
      );
    }
    const word = firstText(parameters, eventName) ?? '';
    const lifecycle = !word ? 'answered' : isLifecycle(word) ? word : 'custom';
    const queue = queueOf(contact.Queue);
    const legContact = {
      contactId: contact.ContactId,
      initialContactId: contact.InitialContactId,
      initiationMethod: contact.InitiationMethod,
    };
    const draft: Draft = {
      // A flow may pass the agent ARN or user id instead of the login; the directory translates those.
      agentid: fromDirectory(directory, login) ?? login,
      // The block usually sits in the agent whisper flow, which runs as the agent is connected.
      lifecycle,
      ...(lifecycle === 'custom' ? { event: word } : {}),
      props: {
        ...defined({
          [PROP.nativeEvent]: 'ContactFlowEvent',
          [PROP.interactionId]: contact.ContactId,
          [PROP.ani]: contact.CustomerEndpoint?.Address,
          [PROP.dnis]: contact.SystemEndpoint?.Address,
          [PROP.channel]: channelOf(contact.Channel),
          [PROP.direction]: directionOf(contact.InitiationMethod),
          [PROP.queue]: queue.name,
          [PROP.queueId]: arnId(queue.arn),
          initialContactId: contact.InitialContactId,
          previousContactId: contact.PreviousContactId,
          initiationMethod: contact.InitiationMethod,
        }),
        // The flow sees no other agent, so a TRANSFER contact is a transfer here, never a consult.
        ...(lifecycle === 'offered' || lifecycle === 'answered'
          ? legPropsOf(methodLeg(legContact), legContact)
          : {}),
      },
    };
    // The block's own parameters first: a contact attribute of the same name travels as attributes.<name>.
    const skip = [...agentName, ...eventName];
    addVendorProps(draft.props, scalarEntries(parameters, skip), VENDOR_PREFIX);
    addVendorProps(draft.props, scalarEntries(contact.Attributes), VENDOR_PREFIX);
    return draft;
  },
});

/** OpenConnect's own names for the agent and the event, read after the configured parameters. */
export const OPENCONNECT_AGENT_PARAMETER = 'agentid';
export const OPENCONNECT_EVENT_PARAMETER = 'event';

/** The parameter names that may carry the agent login, and those that may name the lifecycle or event. */
function parameterNames(config: AmazonConnectConfig): [string[], string[]] {
  const extra = config.openConnectParameters;
  return [
    // Stryker disable next-line ArrayDeclaration: the empty list adds no name; a placeholder name in it is no parameter a flow sets
    [config.agentParameter, ...(extra ? [OPENCONNECT_AGENT_PARAMETER] : [])],
    // Stryker disable next-line ArrayDeclaration: as above, for the event parameter
    [config.lifecycleParameter, ...(extra ? [OPENCONNECT_EVENT_PARAMETER] : [])],
  ];
}

/** The first of the named parameters that holds text, trimmed. */
function firstText(parameters: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = parameters[name];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

/** Queue as the documented object, or as a plain string: an ARN, else the queue's name. */
function queueOf(queue: ContactFlowEvent['Details']['ContactData']['Queue']): {
  name?: string | null | undefined;
  arn?: string | null | undefined;
} {
  if (typeof queue !== 'string') return { name: queue?.Name, arn: queue?.ARN };
  const text = queue.trim();
  return text.startsWith('arn:') ? { arn: text } : { name: text };
}
