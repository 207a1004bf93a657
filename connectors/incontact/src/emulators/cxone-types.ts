// The CXone emulator's typed surface: what it is started with, what it counts, and the controls a test or
// benchmark drives it with. cxone.ts runs it; cxone-routes.ts answers its requests.
import type { CallOptions, CxoneCall } from './cxone-calls.js';
import type { CxoneAgentSeed, Row } from './cxone-tenant.js';

export const CXONE_CLIENT_ID = 'openconnect-runner@acme.example';
export const CXONE_CLIENT_SECRET = 'emulated-client-secret-0123456789';
export const CXONE_ACCESS_KEY_ID = 'AKEMULATED0123456789';
export const CXONE_ACCESS_KEY_SECRET = 'emulated-access-key-secret-0123456789';

/** The agents a default emulator has (agent id 23045871 is the one the README's examples use). */
export const CXONE_AGENTS: CxoneAgentSeed[] = [
  {
    agentId: '23045871',
    userName: 'mreyes@acme.example',
    firstName: 'Maria',
    lastName: 'Reyes',
    teamId: 1101,
    teamName: 'Billing',
    stationId: '700101',
  },
  {
    agentId: '23045872',
    userName: 'tkim@acme.example',
    firstName: 'Tom',
    lastName: 'Kim',
    teamId: 1101,
    teamName: 'Billing',
    stationId: '700102',
  },
  {
    agentId: '23045873',
    userName: 'jdoe@acme.example',
    firstName: 'Jane',
    lastName: 'Doe',
    teamId: 1102,
    teamName: 'Sales',
    stationPhoneNumber: '6025550177',
  },
];

export interface CxoneEmulatorOptions {
  clientId?: string;
  clientSecret?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Token lifetime (expires_in, sent in seconds). Default one hour. */
  tokenLifetimeMs?: number;
  agents?: CxoneAgentSeed[];
  /** An Agent API session nobody polls for this long is ended (AgentSessionEnd). Default 10 minutes. */
  sessionIdleMs?: number;
  /** Rows per contacts/active or agents/states page (a next link beyond). Default: one page. */
  pageSize?: number;
  /** Names each new Agent API session (default a random UUID). */
  sessionIds?: (agentId: string) => string;
  /** What an empty answer is: 304 (default; NICE's agent SDK expects it of get-next-event) or 200 with an empty list. */
  emptyStatus?: 304 | 200;
}

export interface Fault {
  /** How many matching requests get the fault. Default 1. */
  times?: number;
  /** Only requests whose path contains this. Default: every request but the token's. */
  path?: string;
  /** Retry-After of a 429, in seconds. Default 1. */
  retryAfterSeconds?: number;
}

export interface CxoneCounters {
  /** Tokens issued; renewals: those issued while an earlier one of the same access key was still valid. */
  tokens: number;
  renewals: number;
  /** Token requests refused (wrong client secret or access key). */
  tokensRefused: number;
  /** API requests that came with an expired token (renewed too late). */
  expirations: number;
  /** contacts/active and agents/states requests. */
  polls: number;
  agentPolls: number;
  /** get-next-event requests. */
  longPolls: number;
  /** Agent API sessions opened (joined or started), and ended by CXone (AgentSessionEnd). */
  sessions: number;
  sessionsEnded: number;
  /** Every request as "METHOD /path?query", oldest first. */
  requests: string[];
}

export interface CxoneControls {
  call(agentId: string, options?: CallOptions): CxoneCall;
  consult(master: CxoneCall, toAgentId: string): CxoneCall;
  agentLeg(agentId: string): CxoneCall;
  /** The agent's state changes (an AgentState event and a new agents/states record). */
  setAgentState(agentId: string, state: string, outReason?: string): void;
  /** Sends raw Agent API events to the agent's sessions (no RTD record changes). */
  sendEvents(agentId: string, events: Row[]): void;
  /** Writes raw RTD records (the Agent API hears nothing), as CXone would list them. */
  putContactRow(row: Row): void;
  putAgentRow(row: Row): void;
  /** Resolves once a contacts/active answer has gone out for a request that arrived after this call. */
  afterNextPoll(): Promise<void>;
  /** The next matching API requests answer this status (401, 404, 409, 429 with Retry-After, 503...). */
  fail(status: number, fault?: Fault): void;
  /**
   * Ends the agent's Agent API sessions: each hears AgentSessionEnd (logout: the agent cannot be joined
   * until login()), or, silently, is just gone (the next get-next-event answers 404, as an expired session).
   */
  endSession(agentId: string, options?: { logout?: boolean; silently?: boolean }): void;
  login(agentId: string): void;
  /** Every issued token expires now. */
  expireTokens(): void;
  /** Destroys every open connection (a long poll in flight gets no answer), and the next API request's. */
  drop(): void;
  /** The next matching answer is a 200 whose body is not JSON. */
  malformed(fault?: Fault): void;
  /** While on, every answer is given twice: get-next-event batches again at the next poll, RTD rows re-listed. */
  duplicates(on?: boolean): void;
  /** While on, API requests get no answer at all (the client's timeout must end them). */
  stall(on?: boolean): void;
}

export interface CxoneEmulator {
  /** The host root; authUrl and apiUrl are what cxoneAuthUrl and cxoneApiUrl take. */
  url: string;
  authUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  accessKeyId: string;
  accessKeySecret: string;
  controls: CxoneControls;
  counters: CxoneCounters;
  /** The Agent API sessions (subscribers) open now. */
  sessions(): { sessionId: string; agentId: string }[];
  close(): Promise<void>;
}
