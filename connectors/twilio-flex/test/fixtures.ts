// Test helpers: a fixture's recorded request, optionally edited, then signed like Twilio would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ConnectorSettingsInput,
  createRuntime,
  handleRequest,
  type InboundRequest,
  type RecordedRequest,
  toInboundRequest,
} from '@openconnect/core';
import connector from '../src/index.js';
import { sign, TEST_TOKEN } from './sign.js';

type Body = Record<string, unknown> | unknown[];

export function recorded(fixture: string): RecordedRequest & { body: Body } {
  const file = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures', fixture), 'utf8'));
  return structuredClone(file.request);
}

/** The fixture's request with its body edited, signed with `token` (default: the configured one). */
export function signedRequest(
  fixture: string,
  // biome-ignore lint/suspicious/noExplicitAny: fixture bodies are free-form JSON that tests edit in place
  edit?: (body: any) => void,
  token = TEST_TOKEN,
): InboundRequest {
  const request = recorded(fixture);
  edit?.(request.body);
  return sign(toInboundRequest(request), token);
}

export function runtimeWith(options: Record<string, unknown> = {}, extra: ConnectorSettingsInput = {}) {
  return createRuntime(connector, { ...extra, options: { authToken: TEST_TOKEN, ...options } });
}

/** Runs the request like the runner: the source is the URL segment after /webhooks/twilio-flex, if any. */
export async function outcomeOf(
  req: InboundRequest,
  options: Record<string, unknown> = {},
  extra: ConnectorSettingsInput = {},
) {
  const source = new URL(req.url).pathname.match(/^\/webhooks\/twilio-flex\/([^/]+)/)?.[1];
  return handleRequest(runtimeWith(options, extra), req, source);
}
