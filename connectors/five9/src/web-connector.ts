// Five9 Web Connectors: the agent's desktop calls our URL (GET with a query string, or a POST form) when
// a trigger fires. Five9 signs nothing, so a secret token travels as a parameter (or a header).
import {
  addVendorProps,
  contentType,
  type Draft,
  defineSource,
  formOrQuery,
  type HttpAnswer,
  type InboundRequest,
  ignore,
  InputError,
  legProps,
  lookUp,
  type Props,
  PROP,
  parseJson,
  parseWith,
  queryValues,
  tokenAuth,
} from '@openconnect/core';
import { z } from 'zod';
import { DEFAULT_TOKEN_HEADER, DEFAULT_TOKEN_PARAM, type Five9Config } from './config.js';
import { noteCall, popLeg } from './legs.js';
import { type Field, hasValue, namesFor } from './params.js';
import { channelOf, directionOf, knownTrigger, lifecycleOf, TRIGGERS } from './triggers.js';

/** Every parameter received, as single string values. */
export interface WebConnectorRequest {
  params: Record<string, string>;
}

// A JSON body is tolerated (some admins post through a proxy); it must be flat like a form.
const flatJson = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

function readParams(req: InboundRequest): Record<string, string> {
  if (req.method.toUpperCase() === 'POST' && contentType(req) === 'application/json') {
    const body = parseWith(flatJson, parseJson(req), 'Five9 JSON body');
    const params: Record<string, string> = { ...queryValues(req) };
    for (const [key, value] of Object.entries(body)) if (value !== null) params[key] = String(value);
    return params;
  }
  return formOrQuery(req);
}

/**
 * The request with every parameter form-encoded in its body, however it was sent (query, form, flat JSON),
 * so tokenAuth's form carrier finds a token posted as JSON through a proxy too.
 */
function paramsAsForm(req: InboundRequest): InboundRequest {
  // Only a JSON body that is no flat object throws: it carries no token, so an empty form. The header and the
  // query stay on the request and are still read.
  let params: Record<string, string> = {};
  try {
    params = readParams(req);
  } catch {}
  const headers = { ...req.headers, 'content-type': 'application/x-www-form-urlencoded' };
  return { ...req, headers, rawBody: Buffer.from(new URLSearchParams(params).toString()) };
}

/**
 * The token: a header (for proxies that can add one) wins, then the constant parameter in the query, then
 * in the body. Five9 signs nothing, so the token is the only check.
 */
// Stryker disable next-line ObjectLiteral: a false survivor: tokenAuth throws at import, every test file collects no tests (checked by hand)
const token = tokenAuth<Five9Config>({
  secret: 'token',
  in: [
    // Stryker disable next-line ObjectLiteral: a false survivor: an empty carrier throws at import, every test file collects no tests (checked by hand)
    { header: { option: 'tokenHeader', default: DEFAULT_TOKEN_HEADER } },
    // Stryker disable next-line ObjectLiteral: a false survivor: an empty carrier throws at import, every test file collects no tests (checked by hand)
    { query: { option: 'tokenParam', default: DEFAULT_TOKEN_PARAM } },
    // Stryker disable next-line ObjectLiteral: a false survivor: an empty carrier throws at import, every test file collects no tests (checked by hand)
    { form: { option: 'tokenParam', default: DEFAULT_TOKEN_PARAM } },
  ],
  setBy: 'set as a constant of the Web Connector',
  // In the words of the Five9 admin console: which constant parameter to add to the Web Connector.
  refusals: {
    missing: (config) =>
      `the token is missing: add the constant parameter ${config.tokenParam} to the Web Connector (or send the header ${config.tokenHeader})`,
    mismatch: 'the token does not match',
  },
});

const CANONICAL: Partial<Record<Field, string>> = {
  interactionId: PROP.interactionId,
  ani: PROP.ani,
  dnis: PROP.dnis,
  queue: PROP.queue,
  disposition: PROP.disposition,
  customerName: PROP.customerName,
  eventTime: PROP.eventTime,
  sessionId: 'sessionId',
  campaign: 'campaign',
  callType: 'callType',
};

export const webConnector = defineSource<WebConnectorRequest, Five9Config>({
  // Stryker disable next-line StringLiteral: a false survivor: defineConnector throws at import, every test file collects no tests (checked by hand)
  id: 'web-connector',
  // The call's legs are kept in the state store: a request the host cannot store (503) leaves them as they were,
  // so the vendor's retry is mapped again instead of being taken for a second pop.
  stateWrites: 'after-store',
  description: 'Five9 Web Connector requests (GET query or POST form) sent from the agent desktop',
  methods: ['GET', 'POST'],
  ...token,
  // The token may be posted in a flat JSON body too: read as the form the parameters make.
  verify: (req, ctx) => token.verify(paramsAsForm(req), ctx),
  parse: (req) => ({ params: readParams(req) }),
  // No eventId: Five9 sends none and never retries. The runner stores the same request bytes once within its
  // identical-request window (a proxy's retry, a reloaded browser tab); later they pop again (README).
  async map(e, { config, state }) {
    const triggerNames = namesFor(config.params, 'trigger', config.openConnectNames);
    const agentNames = namesFor(config.params, 'agent', config.openConnectNames);
    // The admin names the parameters: only the request's own count (one named "toString", not sent, reads a function).
    const param = (name: string) => lookUp(e.params, name);
    const triggerParam = triggerNames.find((name) => hasValue(param(name))) ?? triggerNames[0]!;
    const agentParam = agentNames.find((name) => hasValue(param(name))) ?? agentNames[0]!;
    const rawTrigger = param(triggerParam);
    if (!hasValue(rawTrigger)) {
      throw new InputError(
        `the trigger parameter ${triggerNames.map((name) => `"${name}"`).join(' or ')} is missing: add it to the Web Connector as a constant, e.g. ${triggerParam}=OnCallAccepted`,
        triggerParam,
      );
    }
    const trigger = knownTrigger(rawTrigger);
    if (!trigger && config.unknownTriggers === 'ignore') {
      return ignore(
        `trigger "${rawTrigger}" is not a Five9 Web Connector trigger (${TRIGGERS.join(', ')}); set unknownTriggers: custom to send it as its own event`,
      );
    }
    const rawAgent = param(agentParam);
    if (!hasValue(rawAgent)) {
      return ignore(
        `${rawTrigger} names no agent: the parameter "${agentParam}" (@Agent.user_name@) is empty or missing`,
      );
    }

    // OpenConnect matches the agent id exactly: padding (a constant typed with a space) would pop nobody.
    const agentid = rawAgent.trim();

    // Mapped parameters first, so an unmapped one that shares a canonical name cannot replace its value.
    const props: Props = {};
    const unmapped: [string, string][] = [];
    for (const [name, value] of Object.entries(e.params)) {
      if (name === config.tokenParam || name === triggerParam || name === agentParam || !hasValue(value))
        continue;
      const field = Object.hasOwn(config.params, name) ? config.params[name] : undefined;
      const canonical = field ? lookUp(CANONICAL, field) : undefined;
      if (canonical) props[canonical] = value;
      else unmapped.push([name, value]);
    }
    // A parameter named like a reserved field, a canonical prop or a mapped one travels as five9.<name>.
    addVendorProps(props, unmapped, 'five9');
    // A chat or an e-mail is its session: without a call id, the session id names the interaction.
    if (props.interactionId === undefined && props.sessionId !== undefined)
      props.interactionId = props.sessionId;
    // Stryker disable next-line ConditionalExpression: every prop set above is a parameter's string, so the typeof check only narrows the type
    const callType = typeof props.callType === 'string' ? props.callType : undefined;
    const direction = callType ? directionOf(callType) : undefined;
    if (direction === 'outbound' && config.outboundNumbers === 'swap') swapNumbers(props);
    const nativeEvent = trigger ?? rawTrigger.trim();
    const lifecycle = trigger ? lifecycleOf(trigger) : 'custom';
    // A manually started connector may run during any interaction: it names no channel.
    const channel = trigger && lifecycle !== 'custom' ? channelOf(trigger) : undefined;

    let leg: Props = {};
    // Stryker disable next-line ConditionalExpression: every prop set above is a parameter's string, so the typeof check only narrows the type
    const callId = typeof props.interactionId === 'string' ? props.interactionId : undefined;
    // Stryker disable next-line ConditionalExpression: every prop set above is a parameter's string, so the typeof check only narrows the type
    const key = typeof props.sessionId === 'string' ? props.sessionId : callId;
    if (key && (lifecycle === 'offered' || lifecycle === 'answered')) {
      const typeLeg = callType ? legForType(config.callTypeLegs, callType) : undefined;
      const outcome = await popLeg(state, { key, callId, agent: agentid, lifecycle, typeLeg });
      if ('duplicate' in outcome) return ignore(outcome.duplicate);
      leg = legProps(outcome.leg, outcome.parent);
    } else if (key) {
      await noteCall(state, { key, callId, agent: agentid, lifecycle, chatOrEmail: channel !== 'voice' });
    } else if (lifecycle === 'offered' || lifecycle === 'answered') {
      // No call id to join legs on: every pop is the agent's first.
      leg = legProps('primary');
    }
    const draft: Draft = {
      agentid,
      lifecycle,
      props: {
        [PROP.nativeEvent]: nativeEvent,
        ...(channel ? { [PROP.channel]: channel } : {}),
        ...(direction ? { [PROP.direction]: direction } : {}),
        ...leg,
        ...props,
      },
      ...(lifecycle === 'custom' ? { event: nativeEvent } : {}),
    };
    return draft;
  },
  respond: ({ delivered, ignored }) =>
    page(delivered > 0 ? 'Screen pop sent.' : `Nothing to pop: ${ignored ?? 'this event is switched off'}.`),
});

/** ani is the customer's number both ways: on an outbound call that is the number Five9 calls DNIS. */
function swapNumbers(props: Props): void {
  const { ani, dnis } = props;
  delete props.ani;
  delete props.dnis;
  if (dnis !== undefined) props.ani = dnis;
  if (ani !== undefined) props.dnis = ani;
}

function legForType(legs: Five9Config['callTypeLegs'], callType: string) {
  const word = callType.trim().toUpperCase();
  const name = Object.keys(legs).find((type) => type.trim().toUpperCase() === word);
  return name ? legs[name] : undefined;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The agent's browser tab shows this, so it is a tiny page, not JSON. */
function page(text: string): HttpAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: `<!doctype html><meta charset="utf-8"><title>OpenConnect</title><p>${escapeHtml(text)}</p>`,
  };
}
