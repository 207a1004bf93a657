// The typed surface of the AES DMCC emulator: what a test or the benchmark starts it with, pushes into it,
// breaks in it and counts.

export const DMCC_EMULATOR_DEFAULTS = {
  user: 'openconnect',
  password: 'dmcc-emulator-password',
  switchName: 'CM1',
} as const;

export interface DmccEmulatorOptions {
  /** DMCC over TLS (default) with a self-signed certificate, or plain TCP. */
  tls?: boolean;
  /** The server certificate; default one made with `openssl` for localhost and 127.0.0.1 (test only). */
  certificate?: { key: string; cert: string };
  user?: string;
  password?: string;
  /** The switch connection name GetDeviceId must name. */
  switchName?: string;
  /** Administered station extensions; default: any extension of digits. */
  stations?: string[];
  /** Agents logged on: extension → agent id (GetAgentState answers them). */
  agents?: Record<string, string>;
  /** Longest session duration granted, in seconds (default 3600). */
  maxSessionDurationS?: number;
  /** Whether an expiring session is told with a StopApplicationSession before its monitors go (default true). */
  notifyExpiry?: boolean;
}

/** One event to send, for every monitor of `extension` (with that monitor's monitorCrossRefID). */
export interface DmccEvent {
  /** DeliveredEvent, EstablishedEvent, ConnectionClearedEvent, HeldEvent, RetrievedEvent, TransferedEvent, Agent...Event */
  type: string;
  extension: string;
  callId?: string;
  /** The caller (ANI). */
  calling?: string;
  /** The dialled number (DNIS). */
  called?: string;
  ucid?: string;
  /** The hunt group (skill) the call came through. */
  split?: string;
  uui?: string;
  vdn?: string;
  /** Agent events: the agent id. */
  agentId?: string;
  cause?: string;
}

export interface DmccCounters {
  connections: number;
  sessionsStarted: number;
  sessionsResumed: number;
  loginsRefused: number;
  /** ResetApplicationSessionTimer answered (renewals). */
  resets: number;
  /** Sessions whose duration ran out (or `expire()`d). */
  expirations: number;
  /** Sessions gone after their cleanup delay without a resume. */
  cleanups: number;
  /** StopApplicationSession from the client. */
  sessionsStopped: number;
  monitorsStarted: number;
  monitorsStopped: number;
  agentStateQueries: number;
  /** Event frames written (one per monitor per event). */
  eventsSent: number;
  /** Requests the emulator could not read, or sent without a session. */
  badRequests: number;
  /** Requests seen, by name. */
  requests: Record<string, number>;
}

export interface DmccControls {
  /** Closes every client connection without warning (sessions wait out their cleanup delay). */
  drop(): void;
  /** Ends every session now, as its timer would (`notify` default: the emulator's notifyExpiry). */
  expire(options?: { notify?: boolean }): void;
  /** Refuses every StartApplicationSession (as a wrong password would) until turned off. */
  refuseLogins(on: boolean): void;
  /** Sends one broken event frame: malformed XML, an entity expansion, or an external DTD. */
  sendMalformed(kind?: 'xml' | 'entity' | 'doctype'): void;
  /** Stops answering requests (events can still be pushed) until turned off. */
  stall(on: boolean): void;
  /** Writes everything in chunks of `bytes` (default 3), one per event-loop turn; false: whole frames. */
  split(on: boolean | number): void;
  /** Holds frames a few ms and writes them together, several per write. */
  coalesce(on: boolean): void;
  /** Logs an agent on at (or off from) a station; `notify` pushes AgentLoggedOnEvent/AgentLoggedOffEvent. */
  setAgent(extension: string, agentId: string | undefined, options?: { notify?: boolean }): void;
}

export interface DmccSessionView {
  sessionId: string;
  user: string;
  connected: boolean;
  durationS: number;
  monitors: { crossRefId: string; extension: string }[];
}

export interface DmccEmulator {
  host: string;
  port: number;
  tls: boolean;
  /** The certificate clients must trust (PEM), with TLS. */
  ca?: string;
  /** Connector options that point the aes-dmcc subscription at this emulator. */
  options: {
    aesHost: string;
    aesPort: number;
    aesTls: boolean;
    aesCaCert?: string;
    aesUser: string;
    aesPassword: string;
    aesSwitchName: string;
  };
  counters: DmccCounters;
  controls: DmccControls;
  /** Sends events to every monitor of their stations, all in one write per connection; returns frames written. */
  push(events: DmccEvent | DmccEvent[]): number;
  /**
   * Builds the frames of `events` now, for the monitors held now, and returns what writes them (one write per
   * connection; returns frames written): the benchmark measures sending, not building.
   */
  prepare(events: DmccEvent | DmccEvent[]): () => number;
  /** Sends an event's XML (e.g. a fixture's) to every monitor of `extension`, its monitorCrossRefID replaced. */
  pushXml(extension: string, xml: string): number;
  sessions(): DmccSessionView[];
  /** Monitors held by connected sessions, per station. */
  monitorsOf(extension: string): number;
  close(): Promise<void>;
}
