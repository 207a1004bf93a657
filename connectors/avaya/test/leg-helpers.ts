// Shared by the leg tests: a runtime with a fresh state store, and requests to each source as its vendor sends them.
import {
  createMemoryStateStore,
  createRuntime,
  handleRequest,
  type Outcome,
  toInboundRequest,
} from '@openconnect/core';
import connector from '../src/index.js';
import { AXP_TOKEN, BRIDGE_TOKEN, settings } from './settings.js';

export const runtime = (options: Record<string, unknown> = {}) =>
  createRuntime(
    connector,
    { ...settings, options: { ...settings.options, ...options } },
    { state: createMemoryStateStore() },
  );
export type Runtime = ReturnType<typeof runtime>;

const post = (rt: Runtime, source: string, headers: Record<string, string>, body: Record<string, unknown>) =>
  handleRequest(
    rt,
    toInboundRequest({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }),
    source,
  );
/** A bridge event posted to the aes source. */
export const aes = (rt: Runtime, body: Record<string, unknown>) =>
  post(rt, 'aes', { authorization: `Bearer ${BRIDGE_TOKEN}` }, body);
/** An AXP notification posted to the axp source. */
export const axp = (rt: Runtime, body: Record<string, unknown>) =>
  post(rt, 'axp', { 'auth-token': AXP_TOKEN }, body);

/** The props of each message delivered, or the outcome itself when nothing was. */
export const props = (outcome: Outcome) =>
  outcome.kind === 'accepted' ? outcome.messages.map((m) => m.props) : outcome;
/** Why nothing was delivered (or the outcome's kind when something was). */
export const reason = (outcome: Outcome) => (outcome.kind === 'ignored' ? outcome.reason : outcome.kind);
