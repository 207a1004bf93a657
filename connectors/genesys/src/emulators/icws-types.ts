// The typed surface of the ICWS emulator: what a test or a benchmark starts it with, counts and controls.
import type { Attributes, AttributeValue } from './icws-queues.js';

export const ICWS_EMULATOR_USER = 'openconnect.svc';
export const ICWS_EMULATOR_PASSWORD = 'Emulated-ICWS-pass-0123';

export interface IcwsEmulatorOptions {
  /** userID → password. Default: ICWS_EMULATOR_USER / ICWS_EMULATOR_PASSWORD. */
  users?: Record<string, string>;
  /** The messaging feature's version in the login answer: 2 and above serve server-sent events. Default 2. */
  messagingVersion?: number;
  /** A session with no request for this long is gone (401). Default 120 000. */
  sessionIdleMs?: number;
  /** `:ping` comment interval on event streams. Default 15 000. */
  pingMs?: number;
  /** Queues the user may view; a subscription to another is refused (403). Default: any. */
  viewable?: { users?: string[]; workgroups?: string[] };
  /** How connection-down messages spell newConnectionState: 'down' (the samples) or 2 (the enum). */
  connectionState?: 'string' | 'number';
  /** alternateHostList of a successful login (the other server of a pair). */
  alternateHostList?: string[];
  port?: number;
}

export interface IcwsCounters {
  logins: number;
  refusedLogins: number;
  /** GET /connection in a session (the client's keep-alive). */
  keepAlives: number;
  polls: number;
  streams: number;
  /** Sessions that went idle past their timeout. */
  expirations: number;
  subscribes: number;
  unsubscribes: number;
  logouts: number;
  unauthorized: number;
  unavailable: number;
}

/** A request as received; the login password is masked. */
export interface IcwsRequest {
  method: string;
  path: string;
  /** `?include=features`, or empty. */
  query: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface IcwsCall {
  readonly id: string;
  readonly attributes: Attributes;
  /** Sets Eic_State (a letter, or a number as some CIC versions send) and any other attributes. */
  state(value: AttributeValue, more?: Attributes): void;
  update(attributes: Attributes): void;
  /** Leaves every queue (interactionsRemoved). */
  remove(): void;
}

export interface IcwsControls {
  /** A new interaction in the queues its Eic_UserName / Eic_WorkgroupName name. */
  call(id: string, attributes: Attributes): IcwsCall;
  /** Alerting → connected → disconnected → removed, `gapMs` apart; states as numbers with `numeric`. */
  lifecycle(options: {
    id: string;
    user?: string;
    workgroup?: string;
    numeric?: boolean;
    gapMs?: number;
    attributes?: Attributes;
  }): Promise<IcwsCall>;
  /**
   * Sends a recorded message to every session, on the subscription watching `userQueue` (else the one its
   * subscriptionId names, else the workgroup one).
   */
  send(message: Record<string, unknown>, route?: { userQueue?: string }): void;
  /** Sends each session's last message again. */
  repeatLast(): void;
  /** 'text': not JSON; 'shape': JSON without a __type. */
  sendMalformed(kind?: 'text' | 'shape'): void;
  /** A connectionStateChangeMessage (down) to every session; each session ends once it is delivered. */
  connectionDown(reason?: string): void;
  /** Ends every session now, as an idle timeout would (401 afterwards); not counted as an expiration. */
  expireSessions(): void;
  /** Ends every session and cuts every connection without a word. */
  drop(): void;
  /** Every request, login included, answers 503 with this alternateHostList until called with undefined. */
  unavailable(alternateHostList: string[] | undefined): void;
  /** The next `count` requests whose path contains `path` ('/icws/connection' is the login) answer `status`. */
  failNext(count: number, status: number, path?: string): void;
  /** Stops answering and sending anything (pings included) until called with false. */
  stall(on: boolean): void;
}

export interface IcwsSessionView {
  id: string;
  userId: string;
  subscriptions: {
    id: string;
    queueIds: { queueType: number; queueName: string }[];
    attributeNames: string[];
  }[];
}

export interface IcwsEmulator {
  /** http://127.0.0.1:<port>: the pureconnectServer setting. */
  url: string;
  /** 127.0.0.1:<port>, as another emulator's alternateHostList names it. */
  host: string;
  counters: IcwsCounters;
  controls: IcwsControls;
  readonly requests: IcwsRequest[];
  /** Sessions alive now, with their subscriptions. */
  sessions(): IcwsSessionView[];
  close(): Promise<void>;
}
