// The connector's options, flat so every secret is a top-level key the runtime can redact. The relay
// token serves the two webhook sources; the cxone* options serve the sessions the runner holds itself
// (rtd-poll: the Real-Time Data API for many agents; agent-sessions: one Agent API session per agent).
import { z } from 'zod';

export const PLATFORMS = ['inContact Central', 'inContact Hub'] as const;

/** The CXone token endpoint (belief: the global host; OIDC discovery may name a regional one). */
export const DEFAULT_AUTH_URL = 'https://cxone.niceincontact.com/auth/token';
/** The API version in `{api}/services/v{N}/...` (the one NICE's own agent SDK uses for both APIs). */
export const DEFAULT_API_VERSION = '23.0';

/**
 * Real-Time Data contact state (`stateName`) → the Agent API `Status` word the transitions read, so both
 * paths pop alike. Belief: no public table of RTD state names was found; states not listed here (PreQueue,
 * InQueue, Abandoned...) pop nothing. `cxoneRealtimeStates` adds to it or overrides entries (`None`: pops nothing).
 */
export const DEFAULT_REALTIME_STATES: Record<string, string> = {
  Routing: 'Incoming',
  Incoming: 'Incoming',
  Ringing: 'Ringing',
  Preview: 'Preview',
  Active: 'Active',
  Holding: 'Holding',
  Hold: 'Holding',
  Disconnected: 'Disconnected',
  PostQueue: 'Disconnected',
};

const numericId = z
  .union([z.string().trim(), z.number().int().nonnegative()])
  .transform(String)
  .pipe(z.string().regex(/^\d+$/, 'must be a numeric CXone id'));
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const station = z
  .object({
    stationId: z.string().trim().min(1).optional(),
    stationPhoneNumber: z.string().trim().min(1).optional(),
  })
  .refine((s) => Boolean(s.stationId ?? s.stationPhoneNumber), 'give stationId or stationPhoneNumber');

export const config = z
  .object({
    /** The secret the Studio SNIPPET and the relay send as a bearer token (both webhook sources refuse all without it). */
    token: z.string().min(16, 'token must be at least 16 characters').optional(),
    /** Adds `platform` to every message, for deployments that run both names. */
    platform: z.enum(PLATFORMS).optional(),
    // The runner's own CXone sessions: one API application and one access key serve both.
    /** Token endpoint: POST with Basic client id:secret, form grant_type=password. */
    cxoneAuthUrl: httpUrl.default(DEFAULT_AUTH_URL),
    /** Your cluster's API base, up to `/services`, e.g. https://api-na1.niceincontact.com/inContactAPI. */
    cxoneApiUrl: httpUrl.optional(),
    /** The `v{N}` of every API path, e.g. 23.0 (a leading v is accepted). */
    cxoneApiVersion: z
      .string()
      .trim()
      .regex(/^v?\d+\.\d+$/, 'must be a version like 23.0')
      .transform((v) => v.replace(/^v/, ''))
      .default(DEFAULT_API_VERSION),
    /** The registered API application's client id and secret. */
    cxoneClientId: z.string().trim().min(1).optional(),
    cxoneClientSecret: z.string().min(1).optional(),
    /** An access key of the CXone user the runner acts as (id and secret). */
    cxoneAccessKeyId: z.string().trim().min(1).optional(),
    cxoneAccessKeySecret: z.string().min(1).optional(),
    /** Subscription rtd-poll: poll the Real-Time Data API (on by default once the credentials are set). */
    cxoneRealtime: z.boolean().default(true),
    /** Time between two polls of contacts/active and agents/states. */
    cxoneRealtimeIntervalMs: z.number().int().min(50).default(3_000),
    /** Only contacts of these skills (one request per skill); with team ids too, contacts of either. */
    cxoneRealtimeSkillIds: z.array(numericId).default([]),
    /** Only contacts and agent states of these teams. */
    cxoneRealtimeTeamIds: z.array(numericId).default([]),
    /** RTD contact `stateName` → Agent API `Status`, over DEFAULT_REALTIME_STATES (belief). */
    cxoneRealtimeStates: z
      .record(z.string(), z.string().min(1))
      .default({})
      .transform((own) => ({ ...DEFAULT_REALTIME_STATES, ...own })),
    /** Also pop agent_state from agents/states (off: many agents' state changes are rarely worth a pop). */
    cxoneRealtimeAgentStates: z.boolean().default(false),
    /** Skills (ids or names) whose RTD contacts are consult or agent-leg calls: never popped as new calls. */
    cxoneRealtimeConsultSkills: z.array(z.string().trim().min(1)).default([]),
    /** Subscription agent-sessions: one Agent API session per agent id listed (lowest latency). */
    cxoneAgentIds: z.array(numericId).default([]),
    /** join: join the agent's own session (the agent logs in as usual); start: start one on a station. */
    cxoneAgentSessionMode: z.enum(['join', 'start']).default('join'),
    /** With mode start: each agent's station (stationId or stationPhoneNumber). */
    cxoneAgentStations: z.record(z.string(), station).default({}),
    /** get-next-event waits up to this long for an event (its `timeout`). */
    cxoneLongPollSeconds: z.number().int().min(1).max(300).default(60),
  })
  .superRefine((options, ctx) => {
    for (const problem of cxoneProblems(options))
      ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
  });

export type InContactConfig = z.output<typeof config>;

export const SECRET_KEYS = ['token', 'cxoneClientSecret', 'cxoneAccessKeySecret'] as const;

type CxoneOptions = Pick<
  InContactConfig,
  | 'cxoneApiUrl'
  | 'cxoneClientId'
  | 'cxoneClientSecret'
  | 'cxoneAccessKeyId'
  | 'cxoneAccessKeySecret'
  | 'cxoneRealtime'
  | 'cxoneAgentIds'
  | 'cxoneAgentSessionMode'
  | 'cxoneAgentStations'
>;

const CREDENTIALS = [
  ['cxoneApiUrl', 'your cluster API base URL (e.g. https://api-na1.niceincontact.com/inContactAPI)'],
  ['cxoneClientId', 'the client id of the registered API application'],
  ['cxoneClientSecret', 'the client secret of the registered API application'],
  ['cxoneAccessKeyId', 'the access key id of the CXone user the runner acts as'],
  ['cxoneAccessKeySecret', 'that access key secret'],
] as const;

/** Whether every credential the CXone sessions need is set. */
export const cxoneReady = (o: CxoneOptions): boolean => CREDENTIALS.every(([key]) => Boolean(o[key]));

/** A half-configured session is a config error naming what is missing, never a session that silently never runs. */
export function cxoneProblems(o: CxoneOptions): { path: string; message: string }[] {
  const started = CREDENTIALS.some(([key]) => o[key] !== undefined) || o.cxoneAgentIds.length > 0;
  if (!started) return [];
  const why = 'the runner own CXone sessions (rtd-poll, agent-sessions) need it once any cxone option is set';
  const problems: { path: string; message: string }[] = CREDENTIALS.filter(([key]) => !o[key]).map(
    ([path, what]) => ({
      path,
      message: `${what} is missing: ${why}`,
    }),
  );
  if (!o.cxoneRealtime && !o.cxoneAgentIds.length)
    problems.push({
      path: 'cxoneAgentIds',
      message:
        'cxoneRealtime is false and no agent is listed: with the CXone credentials set, no session would run',
    });
  if (o.cxoneAgentSessionMode === 'start')
    for (const agentId of o.cxoneAgentIds)
      if (!o.cxoneAgentStations[agentId])
        problems.push({
          path: 'cxoneAgentStations',
          message: `agent ${agentId} has no station: with cxoneAgentSessionMode start, give { stationId } or { stationPhoneNumber } for every listed agent`,
        });
  return problems;
}
