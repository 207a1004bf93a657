// The typed surface of the Workspace API emulator: what a test or a benchmark starts it with, counts and
// controls.

export const WORKSPACE_EMULATOR_API_KEY = 'emulated-workspace-api-key-0123';
export const WORKSPACE_EMULATOR_CLIENT_ID = 'openconnect-runner';
export const WORKSPACE_EMULATOR_CLIENT_SECRET = 'Emulated-client-secret-0123';

/** An Engage user the emulator signs in, with its agent login and DN. */
export interface WorkspaceAccount {
  /** `tenant\user`, as the password grant sends it. */
  username: string;
  password: string;
  /** data.user.agentLogin of the initialization, and the agentId activate-channels must send. */
  agentLogin: string;
  /** The DN activate-channels must send. */
  dn: string;
  employeeId?: string;
  firstName?: string;
  lastName?: string;
  /** The DN's agentState once activated. Default Ready. */
  agentState?: string;
}

/** Two agents: `acme\jsmith` (agent 1001 on DN 5001) and `acme\akim` (agent 1002 on DN 5002). */
export const WORKSPACE_EMULATOR_ACCOUNTS: WorkspaceAccount[] = [
  {
    username: 'acme\\jsmith',
    password: 'Emulated-pass-jsmith-01',
    agentLogin: '1001',
    dn: '5001',
    employeeId: 'jsmith',
    firstName: 'John',
    lastName: 'Smith',
  },
  {
    username: 'acme\\akim',
    password: 'Emulated-pass-akim-0002',
    agentLogin: '1002',
    dn: '5002',
    employeeId: 'akim',
    firstName: 'Ann',
    lastName: 'Kim',
  },
];

export interface WorkspaceEmulatorOptions {
  apiKey?: string;
  clientId?: string;
  clientSecret?: string;
  accounts?: WorkspaceAccount[];
  /** Token lifetime (expires_in, in seconds, may be fractional here so tests take seconds). Default 1 h. */
  tokenLifetimeMs?: number;
  /** Whether token answers carry a refresh_token. Default true. */
  refreshTokens?: boolean;
  /**
   * A Workspace session lives only while its user holds an unexpired token (belief: the session follows
   * the token it was initialized with, renewed); one that outlives it expires (403), counted. Default true.
   */
  sessionFollowsToken?: boolean;
  /** How long a /meta/connect is held (the Bayeux server timeout). Default 30 000. */
  longPollMs?: number;
  /** Gap between the initialization's Executing and Complete messages. Default 20. */
  initializationGapMs?: number;
  /**
   * The initialization's last message instead of Complete with the user: a Failed one, or a Complete with
   * another data. The session counts as initialized only when its state is Complete.
   */
  initializationEnd?: (user: Record<string, unknown>) => Record<string, unknown>;
  /** Channels whose subscription the Bayeux server denies (403::subscribe_denied). Default none. */
  refusedChannels?: string[];
  /** GET /workspace/v3/current-session answers 404 when false. Default true. */
  currentSession?: boolean;
  port?: number;
}

export interface WorkspaceCounters {
  /** Tokens issued (password and refresh grants). */
  tokens: number;
  refusedTokens: number;
  /** Tokens issued to a user whose Workspace session is alive (its renewals). */
  renewals: number;
  initializations: number;
  handshakes: number;
  connects: number;
  subscribes: number;
  activations: number;
  currentSessions: number;
  logouts: number;
  /** Sessions that expired because their user's token did (never renewed in time). */
  expirations: number;
  /** Requests refused for a missing or dead session cookie, key or token (401/403). */
  refused: number;
  /** Voice messages delivered to sessions. */
  published: number;
}

/** A request as received; passwords and secrets in it are masked. */
export interface WorkspaceRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** One step of a user's session, in order: what the sequence test reads. */
export interface WorkspaceStep {
  username: string;
  step:
    | 'token'
    | 'renewal'
    | 'initialize-workspace'
    | 'handshake'
    | `subscribe ${string}`
    | 'initialization Complete'
    | 'activate-channels'
    | 'current-session'
    | 'logout'
    | 'disconnect'
    | 'expired';
}

export type CallState = 'Dialing' | 'Ringing' | 'Established' | 'Held' | 'Released' | 'Completed';

/** A call as CallStateChanged carries it (the simulator's fields). */
export interface WorkspaceCall {
  id: string;
  connId: string;
  callUuid: string;
  callType: string;
  state: CallState;
  phoneNumber?: string;
  ani?: string;
  dnis?: string;
  participants: { number: string; role: string }[];
  userData: { key: string; type: string; value: unknown }[];
  capabilities: string[];
  previousConnId?: string;
  parentConnId?: string;
}

export interface EmulatedCall {
  readonly id: string;
  readonly call: WorkspaceCall;
  /** Moves the call to `state` and publishes CallStateChanged (notificationType StateChange by default). */
  set(state: CallState, notificationType?: string): void;
}

export type SessionFault =
  /** The cookie stops working: the next request (a connect) answers 403. */
  | 'cookie'
  /** The Bayeux session is dropped: the next connect answers 402::session_unknown with advice handshake. */
  | 'handshake'
  /** The next connect's answer carries advice.reconnect none. */
  | 'none'
  /** The server disconnects the Bayeux session: a /meta/disconnect reaches the client. */
  | 'disconnect';

export interface WorkspaceControls {
  /** Delivers a message on a channel to the user's session (if it subscribed to the channel). */
  publish(username: string, channel: string, data: unknown): void;
  /** A call for the user: published Ringing at once (inbound, with attached data, unless `call` says). */
  ring(username: string, call?: Partial<WorkspaceCall>): EmulatedCall;
  /** Ringing → Established → Released → Completed, `gapMs` apart (default 30). */
  lifecycle(
    username: string,
    options?: { gapMs?: number; call?: Partial<WorkspaceCall> },
  ): Promise<EmulatedCall>;
  /** DnStateChanged with the new agentState (and work mode). */
  agentState(username: string, agentState: string, agentWorkMode?: string): void;
  /** Delivers the user's last voice message again. */
  repeatLast(username: string): void;
  /** A voice message with no call ('shape') or with data that is not an object ('text'). */
  sendMalformed(username: string, kind?: 'shape' | 'text'): void;
  /** Ends the users' sessions the way `fault` says (every user when none is named). */
  expire(fault: SessionFault, username?: string): void;
  /** Ends every session and cuts every connection without a word. */
  drop(): void;
  /** The next `count` requests whose path contains `path` answer `status` (a 429 with Retry-After: 1). */
  failNext(count: number, status: number, path?: string): void;
  /** Stops answering anything until called with false (then drops what it held). */
  stall(on: boolean): void;
}

export interface WorkspaceSessionView {
  id: string;
  username: string;
  initialized: boolean;
  activated: boolean;
  /** Bayeux channels the session's client subscribed to. */
  channels: string[];
}

export interface WorkspaceEmulator {
  /** http://127.0.0.1:<port>: the pureengageApiUrl setting (the Authentication API too). */
  url: string;
  apiKey: string;
  clientId: string;
  clientSecret: string;
  accounts: WorkspaceAccount[];
  counters: WorkspaceCounters;
  controls: WorkspaceControls;
  readonly requests: WorkspaceRequest[];
  readonly steps: WorkspaceStep[];
  /** The steps of one user, in order. */
  stepsOf(username: string): WorkspaceStep['step'][];
  /** Sessions alive now. */
  sessions(): WorkspaceSessionView[];
  close(): Promise<void>;
}
