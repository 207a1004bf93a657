// The Lambda deploy as AWS would run it, shared by the tests of the bundled handlers (lambda.test.ts,
// lambda-logs.test.ts): the OpenConnect emulator and a local Connect API (loopback only), the Lambda's
// environment, the bundles (built once per test run by test/build-lambdas.ts) and every line they log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EMULATOR_DEFAULT_JWT, type Emulator, startEmulator } from '@openconnect/core/testing';
import { afterAll, beforeAll, beforeEach, inject, vi } from 'vitest';
import type * as AgentStreamModule from '../src/lambda/agent-stream.js';
import type * as ContactFlowModule from '../src/lambda/contact-flow.js';
import type * as EventBridgeModule from '../src/lambda/eventbridge.js';
import {
  type FakeConnectApi,
  startFakeConnectApi,
  TEST_CREDENTIALS,
  TEST_REGION,
} from './fake-connect-api.js';
import { INSTANCE_ID, USER_ID } from './values.js';

const root = join(import.meta.dirname, '..');
export const fixture = (path: string) =>
  JSON.parse(readFileSync(join(root, 'fixtures', path), 'utf8')) as {
    request: { body: Record<string, unknown> };
  };
export const bundle = (name: string) => join(inject('lambdaDir'), `${name}.mjs`);
export const CRMID = 'acme.example.com';

/** One line a handler logged, with the console method that carried it (CloudWatch's level follows it). */
export interface LoggedLine {
  method: 'log' | 'warn' | 'error';
  line: string;
}

export interface Lambdas {
  emulator: Emulator;
  connectApi: FakeConnectApi;
  contactFlow: typeof ContactFlowModule;
  eventBridge: typeof EventBridgeModule;
  agentStream: typeof AgentStreamModule;
  /** Every line the handlers logged (they log one JSON line per invocation, as CloudWatch receives it). */
  logged: string[];
  /** The same lines with their console method. */
  written: LoggedLine[];
  /** The environment of a differently configured deployment of the same bundle. */
  envWith(extra: Record<string, string | undefined>): Record<string, string | undefined>;
}

/** Registers the hooks that start the deploy for the calling test file; its fields are set in beforeAll. */
export function useLambdas(): Lambdas {
  const savedEnv = { ...process.env };
  const lambdas = {
    logged: [] as string[],
    written: [] as LoggedLine[],
    envWith: (extra: Record<string, string | undefined>) => ({ ...process.env, ...extra }),
  } as Lambdas;

  beforeAll(async () => {
    for (const method of ['log', 'warn', 'error'] as const) {
      vi.spyOn(console, method).mockImplementation((line: unknown) => {
        lambdas.logged.push(String(line));
        lambdas.written.push({ method, line: String(line) });
      });
    }
    lambdas.emulator = await startEmulator();
    lambdas.connectApi = await startFakeConnectApi();
    lambdas.connectApi.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
    // The Lambda's environment; credentials for the (local) Connect API come from the default chain.
    Object.assign(process.env, {
      OPENCONNECT_URL: lambdas.emulator.endpoint,
      OPENCONNECT_JWT: EMULATOR_DEFAULT_JWT,
      OPENCONNECT_CRMID: CRMID,
      AWS_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      CONNECT_ENDPOINT: lambdas.connectApi.url,
      DIRECTORY_JSON: JSON.stringify({ [USER_ID.maria]: 'maria.lopez' }),
    });
    lambdas.contactFlow = await import(pathToFileURL(bundle('contact-flow')).href);
    lambdas.eventBridge = await import(pathToFileURL(bundle('eventbridge')).href);
    lambdas.agentStream = await import(pathToFileURL(bundle('agent-stream')).href);
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    process.env = savedEnv;
    await lambdas.emulator?.close();
    await lambdas.connectApi?.close();
  });

  beforeEach(() => {
    lambdas.emulator.reset();
    lambdas.connectApi.failWith = undefined;
  });

  return lambdas;
}
