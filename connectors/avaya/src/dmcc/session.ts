// One DMCC application session, held until the connection or the session ends: StartApplicationSession
// (resuming the last session when AES may still keep it), GetDeviceId and MonitorStart per station,
// ResetApplicationSessionTimer at half the granted duration, events handed on in order, agent logins from
// GetAgentState when asked. Stopped: MonitorStop each, StopApplicationSession, close. Dropped: the session
// is remembered for its cleanup delay, so the next connection resumes it with its monitors (not twice).
import { renewalTime, SessionError, type SessionContext, sleep } from '@openconnect/core';
import { type AvayaConfig, aesPortOf } from '../config.js';
import { type DmccConnection, openConnection, RefusedError } from './connection.js';
import { type DmccFrame, parsedForFrame } from './events.js';
import type { Frame } from './framing.js';
import * as request from './requests.js';
import { findText, type Message, readMessage, startedSession, text } from './responses.js';
import { type Monitor, monitorStations, pollAgents } from './stations.js';

type Ctx = SessionContext<AvayaConfig, unknown, DmccFrame>;

/** What the next session needs to resume this one (kept in the connector state for the cleanup delay). */
interface Remembered {
  sessionId: string;
  protocol: string;
  monitors: Monitor[];
}

const APPLICATION_ID = 'OpenConnect';
/** Events waiting for the store before reading from AES pauses, and when it resumes. */
const HIGH_WATER = 256;
const LOW_WATER = 64;
/** A clean stop waits at most this long for AES's answers. */
const STOP_TIMEOUT_MS = 3_000;
/** Without agent polls the loop only waits for the end: a day at a time. */
const DAY_MS = 86_400_000;

/**
 * The deadline to hand renewBefore so that it renews at `at`: renewBefore renews on the core's schedule
 * (renewalTime), DMCC clients reset at half the session duration; found by bisection on renewalTime itself.
 */
export function deadlineRenewedAt(now: number, at: number): number {
  let low = at;
  // renewalTime renews at most half the lifetime early, so a deadline of twice the wait renews at `at` or later.
  let high = at + (at - now);
  // Stryker disable next-line EqualityOperator: a bisection step more or less moves the deadline by under half a millisecond
  while (high - low > 0.5) {
    const mid = (low + high) / 2;
    // Stryker disable next-line EqualityOperator: which side an exact hit goes to moves the deadline by under half a millisecond
    if (renewalTime(now, mid) < at) low = mid;
    else high = mid;
  }
  return high;
}

export async function holdDmccSession(ctx: Ctx): Promise<void> {
  const { config } = ctx;
  const host = config.aesHost!;
  const user = config.aesUser!;
  const switchName = config.aesSwitchName!;
  const port = aesPortOf(config);
  const where = `${config.aesTls ? 'tls' : 'tcp'}://${host}:${port}`;
  const memoryKey = `aes-dmcc:session:${user}@${host}:${port}`;
  const cleanupMs = config.aesSessionCleanupDelayS * 1000;
  const monitors = new Map<string, Monitor>();
  const agents = new Map<string, string>();
  const askAgents = config.aesAgentLogin === 'GetAgentState';
  let session: { sessionId: string; protocol: string; durationS: number } | undefined;
  /** Set when AES ended the session itself (it cannot be resumed). */
  let endedByAes: string | undefined;
  let waiting = 0;
  /** Monitors AES sent events for that this session does not hold (warned once each). */
  const strangers = new Set<string>();

  if (ctx.signal.aborted) return;
  ctx.status('connecting', `connecting to AES at ${where} as ${user}`);
  const opened = await openConnection({
    host,
    port,
    tls: config.aesTls,
    ...(config.aesCaCert ? { ca: config.aesCaCert } : {}),
    verifyServerName: config.aesVerifyServerName,
    requestTimeoutMs: config.aesRequestTimeoutMs,
    signal: ctx.signal,
    onUnsolicited: unsolicited,
    onBadFrame: (reason) => ctx.badFrame(reason),
  }).catch((error: unknown) => {
    if (ctx.signal.aborted) return undefined;
    throw error;
  });
  if (!opened) return;
  const conn: DmccConnection = opened;
  let closedBy: string | undefined;
  const done = new AbortController();
  void conn.closed.then((reason) => {
    closedBy = reason;
    done.abort();
  });
  const stop = () => done.abort();
  // No `once`: a signal aborts once, and the listener is removed when the session ends.
  ctx.signal.addEventListener('abort', stop);
  /** A request of the set-up or the polls: given up at once when the session is stopped (then stopped cleanly). */
  const ask = (what: string, xml: string) =>
    new Promise<Message>((resolve, reject) => {
      // Stryker disable next-line StringLiteral: a stopped session returns quietly; this only unwinds its set-up (a connection that closed rejects the request itself)
      const stopped = () => reject(new SessionError(`stopped while waiting for AES to answer ${what}`));
      if (done.signal.aborted) return stopped();
      done.signal.addEventListener('abort', stopped);
      conn
        .request(what, xml)
        .then(resolve, reject)
        .finally(() => done.signal.removeEventListener('abort', stopped));
    });

  // Unsolicited messages wait for the answers read with them: an event may follow its MonitorStartResponse
  // in the same read, and the monitor is known only once that answer's continuation has run.
  let queued: Frame[] = [];
  function unsolicited(frame: Frame) {
    queued.push(frame);
    // Stryker disable next-line ConditionalExpression: a drain more finds the queue empty and does nothing
    if (queued.length === 1) setImmediate(drain);
  }
  function drain() {
    const frames = queued;
    queued = [];
    for (const frame of frames) handle(frame);
  }

  function handle(frame: Frame) {
    let message: Message;
    try {
      message = readMessage(frame.xml);
    } catch (error) {
      ctx.badFrame(`a message from AES could not be read: ${(error as Error).message}`);
      return;
    }
    if (message.name === 'StopApplicationSession') {
      const why = message.body.sessionEndReason;
      endedByAes = `AES ended the application session (${findText(why, 'definedEndReason') ?? findText(why, 'appEndReason') ?? 'no reason given'})`;
      conn.close();
      return;
    }
    if (!message.name.endsWith('Event')) {
      ctx.log.debug(
        { message: message.name },
        'an unsolicited DMCC message that is not an event was skipped',
      );
      return;
    }
    const crossRefId = text(message.body.monitorCrossRefID);
    // Stryker disable next-line ConditionalExpression: no monitor is held under undefined either
    const monitor = crossRefId === undefined ? undefined : monitors.get(crossRefId);
    if (!monitor) {
      if (!strangers.has(String(crossRefId))) {
        strangers.add(String(crossRefId));
        ctx.log.warn(
          { event: message.name, monitorCrossRefID: crossRefId },
          'events for a monitor this session does not hold are skipped',
        );
      }
      return;
    }
    const agentId = askAgents ? agents.get(monitor.extension) : undefined;
    if (askAgents && message.name === 'AgentLoggedOnEvent') {
      const agent = text(message.body.agentID);
      if (agent) agents.set(monitor.extension, agent);
    }
    if (askAgents && message.name === 'AgentLoggedOffEvent') agents.delete(monitor.extension);
    // Handed on in order (emit chains); reading pauses while too many wait for the store.
    parsedForFrame(frame.xml, message);
    waiting += 1;
    if (waiting === HIGH_WATER) conn.pause();
    ctx
      .emit({ monitoredDevice: monitor.extension, ...(agentId ? { agentId } : {}), xml: frame.xml })
      .catch(() => {})
      .finally(() => {
        waiting -= 1;
        if (waiting === LOW_WATER) conn.resume();
      });
  }

  /** Only once AES has started the session. */
  const remember = async (ttlMs: number) => {
    const current = session!;
    const value: Remembered = {
      sessionId: current.sessionId,
      protocol: current.protocol,
      monitors: [...monitors.values()],
    };
    await ctx.state
      .set(memoryKey, value, Math.max(1, ttlMs))
      .catch((error: unknown) =>
        ctx.log.warn({ err: (error as Error).message }, 'could not remember the DMCC session for a resume'),
      );
  };
  const forget = () => ctx.state.delete(memoryKey).catch(() => {});

  async function start(): Promise<void> {
    const remembered =
      cleanupMs > 0 ? await ctx.state.get<Remembered>(memoryKey).catch(() => undefined) : undefined;
    const askToStart = (sessionId?: string) =>
      ask(
        sessionId ? 'StartApplicationSession (resuming the last session)' : 'StartApplicationSession',
        request.startApplicationSession({
          applicationId: APPLICATION_ID,
          userName: user,
          password: config.aesPassword!,
          protocolVersion: config.aesProtocolVersion,
          durationS: config.aesSessionDurationS,
          cleanupDelayS: config.aesSessionCleanupDelayS,
          ...(sessionId ? { sessionId } : {}),
        }),
      );
    const refused = (error: RefusedError) =>
      new SessionError(
        `AES refused the DMCC application session for user ${user} (${error.refusal}): check aesUser and aesPassword (an AES CTI user), and that AES speaks aesProtocolVersion ${config.aesProtocolVersion}`,
        { failed: true },
      );
    let answer: Message;
    try {
      answer = await askToStart(remembered?.sessionId);
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      if (!remembered) throw refused(error);
      ctx.log.info(
        { sessionId: remembered.sessionId, refusal: error.refusal },
        'AES no longer has the last DMCC session; starting a new one',
      );
      await forget();
      try {
        answer = await askToStart();
      } catch (again) {
        throw again instanceof RefusedError ? refused(again) : again;
      }
    }
    session = startedSession(answer, {
      protocol: config.aesProtocolVersion,
      durationS: config.aesSessionDurationS,
    });
    if (remembered && session.sessionId === remembered.sessionId) {
      // AES kept the session and its monitors: reuse them, or every event would come twice.
      for (const monitor of remembered.monitors) monitors.set(monitor.crossRefId, monitor);
      ctx.log.info(
        { sessionId: session.sessionId, monitors: monitors.size },
        'resumed the DMCC session with its monitors',
      );
      return;
    }
    // AES started a new session instead of resuming the remembered one.
    // Stryker disable next-line ConditionalExpression: the key is written anew once the monitors are set up, or deleted by a clean stop; left, its resume is refused and a new session started
    if (remembered) await forget();
  }

  const halfway = (durationS: number) => {
    const now = ctx.now();
    return deadlineRenewedAt(now, now + (durationS * 1000) / 2);
  };
  async function reset(): Promise<number> {
    const current = session!;
    try {
      const answer = await conn.request(
        'ResetApplicationSessionTimer',
        request.resetApplicationSessionTimer(current.sessionId, config.aesSessionDurationS),
      );
      const granted = Number(text(answer.body.actualSessionDuration));
      if (Number.isFinite(granted) && granted > 0) current.durationS = granted;
    } catch (error) {
      if (error instanceof RefusedError) {
        endedByAes = `AES refused to reset the session timer (${error.refusal}): the session has ended`;
        await forget();
      } else await remember(cleanupMs);
      conn.close();
      throw error;
    }
    await remember(current.durationS * 1000 + cleanupMs);
    return halfway(current.durationS);
  }

  /**
   * MonitorStop each, StopApplicationSession (AES frees the licences now, not after the cleanup delay): sent
   * back to back, in that order on the one connection, and waited for together, at most STOP_TIMEOUT_MS.
   */
  async function cleanStop(): Promise<void> {
    const current = session!;
    const sent = [...monitors.values()].map((m) =>
      conn.request(
        // Stryker disable next-line StringLiteral: the answers are only waited for (allSettled): a label would name a failure nobody reads
        `MonitorStop for ${m.extension}`,
        request.monitorStop(current.protocol, m.crossRefId),
        STOP_TIMEOUT_MS,
      ),
    );
    sent.push(
      conn.request(
        // Stryker disable next-line StringLiteral: as above, only waited for
        'StopApplicationSession',
        request.stopApplicationSession(current.sessionId),
        STOP_TIMEOUT_MS,
      ),
    );
    await Promise.allSettled(sent);
    await forget();
  }

  let failure: unknown;
  try {
    await start();
    const refusals = await monitorStations(
      ask,
      { protocol: session!.protocol, switchName, extensions: config.aesExtensions! },
      monitors,
    );
    if (!monitors.size)
      throw new SessionError(
        `AES monitors none of aesExtensions on switch ${switchName}: ${refusals.join(', ')}; check aesSwitchName (the switch connection name on AES), the extensions, and that a TSAPI basic licence is free per station`,
        { failed: true },
      );
    await remember(session!.durationS * 1000 + cleanupMs);
    if (askAgents) await pollAgents(ask, session!.protocol, monitors.values(), agents, ctx.log);
    ctx.renewBefore('DMCC application session', halfway(session!.durationS), reset);
    const stations = `${monitors.size} station(s) on ${switchName} through AES ${where}`;
    if (refusals.length) ctx.status('degraded', `monitoring ${stations}; AES refused ${refusals.join(', ')}`);
    else ctx.status('connected', `monitoring ${stations}`);
    while (!done.signal.aborted) {
      await sleep(askAgents ? config.aesAgentStatePollMs : DAY_MS, done.signal);
      if (askAgents && !done.signal.aborted)
        await pollAgents(ask, session!.protocol, monitors.values(), agents, ctx.log);
    }
  } catch (error) {
    failure = error;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    const refusedForGood = failure instanceof SessionError && failure.failed;
    if ((ctx.signal.aborted || refusedForGood) && session && conn.open && !endedByAes) await cleanStop();
    conn.close();
    drain(); // events read before the end are handed on before this session returns
  }
  // Stopped by the host (shutdown, lost lease, a failed renewal it already holds); past here the loop ended
  // because the connection closed, so closedBy is set.
  if (ctx.signal.aborted) return;
  if (endedByAes) {
    await forget();
    throw new SessionError(endedByAes);
  }
  if (failure instanceof SessionError && failure.failed) throw failure;
  if (session) await remember(cleanupMs);
  throw failure instanceof Error
    ? failure
    : new SessionError(
        `the connection to AES at ${where} ended (${closedBy})${session && cleanupMs ? `; the next connection resumes the session within ${config.aesSessionCleanupDelayS} s` : ''}`,
      );
}
