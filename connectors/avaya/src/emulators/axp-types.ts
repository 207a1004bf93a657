// The AXP emulator's typed surface: its options, what it records, and the controls tests and benchmarks use.

export const AXP_EMULATOR_DEFAULTS = {
  accountId: 'ZWJJIQ',
  clientId: 'openconnect-emulator',
  clientSecret: 'emulator-client-secret-0123456789',
  appKey: 'emulator-app-key-0123456789',
} as const;

/** The event push() sends by default: an AGENT_ENGAGEMENT event shaped as we believe AXP sends it. */
export const AXP_EMULATOR_EVENT = {
  eventType: 'AgentParticipantAdded',
  eventId: '6c9f3d2b-1e5a-4d8f-8b62-2a3b4c5d6e7f',
  accountId: 'ZWJJIQ',
  engagement: {
    engagementId: 'e4f1c2d3-7a8b-4c5d-9e0f-112233445566',
    channel: 'VOICE',
    direction: 'INBOUND',
    customer: { address: '+15551230001' },
  },
  participant: { participantId: 'p-2b7c', participantType: 'AGENT', agentId: 'ag-7f3a91' },
};

export interface AxpEmulatorOptions {
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  appKey?: string;
  /** Access token lifetime. Default 900 s, as Avaya's auth API answers. */
  tokenLifetimeMs?: number;
  /** Subscription lifetime (expiresIn) granted by create and renew. Default 900 s. */
  subscriptionLifetimeMs?: number;
  /** What push() posts when given nothing. Default AXP_EMULATOR_EVENT. */
  event?: unknown;
}

export interface AxpEmulatorSubscription {
  subscriptionId: string;
  family: string;
  events: string[];
  status: 'ACTIVE' | 'INACTIVE';
  createdAt: number;
  expiresAt: number;
  transport: {
    type: 'WEBHOOK' | 'WEBSOCKET';
    endpoint?: string;
    authToken?: string;
    authTokenHeader?: string;
  };
}

export type AxpFault = 401 | 403 | 429 | 503;

export interface AxpCounters {
  tokensIssued: number;
  /** Token requests refused for a wrong appkey or client id/secret. */
  tokensRefused: number;
  subscriptionsCreated: number;
  renewals: number;
  /** Subscriptions that went INACTIVE because nobody renewed them in time. */
  expirations: number;
  deletions: number;
  /** POSTs the pusher made to ACTIVE subscriptions, and each one's HTTP status (0: unreachable). */
  eventsDelivered: number;
  deliveryAnswers: number[];
}

export interface AxpRequest {
  method: string;
  /** Path and query, as received. */
  path: string;
  status: number;
  /** The bearer token used (API calls). */
  accessToken?: string;
  body?: unknown;
}

export interface AxpDelivery {
  subscriptionId: string;
  endpoint: string;
  status: number;
}

export interface AxpEmulator {
  /** The API base URL (axpApiUrl). */
  url: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  appKey: string;
  /** Connector options that point the upkeep at this emulator (add authToken). */
  options: {
    axpApiUrl: string;
    axpAccountId: string;
    axpClientId: string;
    axpClientSecret: string;
    axpAppKey: string;
  };
  /** Copies of the subscriptions AXP holds now. */
  subscriptions(): AxpEmulatorSubscription[];
  /** Adds a subscription as if someone had created it (ACTIVE, the configured lifetime, unless given). */
  seed(
    input: Partial<Omit<AxpEmulatorSubscription, 'transport'>> & {
      transport: AxpEmulatorSubscription['transport'];
    },
  ): AxpEmulatorSubscription;
  /** POSTs the event to every ACTIVE WEBHOOK subscription asking for it, with its authTokenHeader: authToken. */
  push(event?: unknown): Promise<AxpDelivery[]>;
  controls: {
    /** The next `times` matching requests (default 1; `on` token, api or any) answer `status`. */
    fail(
      status: AxpFault,
      options?: { times?: number; on?: 'token' | 'api' | 'any'; retryAfterSeconds?: number },
    ): void;
    /** Forgets every subscription (as if deleted): GET and renew answer 404. */
    forget(): void;
    /** Sets one subscription (default: every one) INACTIVE now. */
    deactivate(subscriptionId?: string): void;
    /** While on, requests get no answer; turning it off answers the held ones. */
    stall(on: boolean): void;
    /** Access tokens issued so far answer 401 from now on. */
    revokeTokens(): void;
    setEvent(event: unknown): void;
  };
  readonly counters: Readonly<AxpCounters>;
  readonly requests: readonly AxpRequest[];
  close(): Promise<void>;
}
