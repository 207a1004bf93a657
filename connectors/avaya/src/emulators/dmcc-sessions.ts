// The emulated AES's application sessions and its answers to each request: who may sign in, session
// timers (expiry unless reset, cleanup after a dropped connection, resume by sessionID), devices of the
// switch, monitors, agent states. The server module only frames bytes and hands requests here.
import { randomBytes } from 'node:crypto';
import { EVENT_INVOKE_ID } from '../dmcc/framing.js';
import { type Message, type Node, text } from '../dmcc/responses.js';
import type { DmccCounters } from './dmcc-types.js';
import * as xml from './dmcc-xml.js';

/** A client connection, as the sessions see it. */
export interface Peer {
  session?: Session;
  send(invokeId: string, body: string): void;
}
export interface Session {
  id: string;
  user: string;
  durationS: number;
  cleanupDelayS: number;
  client?: Peer;
  expiry?: NodeJS.Timeout;
  cleanup?: NodeJS.Timeout;
  devices: Map<string, string>; // device id → extension
  monitors: Map<string, string>; // monitorCrossRefID → extension
}

export interface SessionStoreOptions {
  user: string;
  password: string;
  switchName: string;
  stations?: ReadonlySet<string>;
  agents: Map<string, string>;
  maxDurationS: number;
  counters: DmccCounters;
  faults: { refuseLogins: boolean; notifyExpiry: boolean };
}

export function createSessionStore(options: SessionStoreOptions) {
  const { user, password, switchName, stations, agents, maxDurationS, counters, faults } = options;
  const sessions = new Map<string, Session>();
  let nextCrossRef = 0;

  function end(session: Session, why: 'expired' | 'cleanup' | 'stopped', notify = false) {
    clearTimeout(session.expiry);
    clearTimeout(session.cleanup);
    sessions.delete(session.id);
    if (why === 'expired') counters.expirations += 1;
    if (why === 'cleanup') counters.cleanups += 1;
    const client = session.client;
    if (client) {
      client.session = undefined;
      if (notify)
        client.send(EVENT_INVOKE_ID, xml.stopSession(session.id, 'Application session timer expired'));
    }
  }
  const arm = (session: Session) => {
    clearTimeout(session.expiry);
    session.expiry = setTimeout(() => end(session, 'expired', faults.notifyExpiry), session.durationS * 1000);
  };
  const grant = (requested: string | undefined) =>
    Math.min(maxDurationS, Math.max(1, Number(requested) || 180));

  function startSession(client: Peer, body: Node): string {
    const login = (body.applicationInfo as Node | undefined)?.applicationSpecificInfo as Node | undefined;
    const info = (login?.SessionLoginInfo ?? {}) as Node;
    const protocol = text((body.requestedProtocolVersions as Node | undefined)?.protocolVersion) ?? '';
    if (faults.refuseLogins || text(info.userName) !== user || text(info.password) !== password) {
      counters.loginsRefused += 1;
      return xml.sessionRefused('invalidApplicationInfo');
    }
    if (!protocol.startsWith('http://www.ecma-international.org/standards/ecma-323/csta/ed3'))
      return xml.sessionRefused('requestedProtocolVersionNotSupported');
    const durationS = grant(text(body.requestedSessionDuration));
    const resumeId = text(info.sessionID);
    if (resumeId) {
      const old = sessions.get(resumeId);
      if (!old || old.user !== user) return xml.sessionRefused('invalidApplicationInfo');
      if (old.client && old.client !== client) old.client.session = undefined;
      clearTimeout(old.cleanup);
      old.client = client;
      old.durationS = durationS;
      client.session = old;
      arm(old);
      counters.sessionsResumed += 1;
      return xml.sessionStarted(old.id, protocol, durationS);
    }
    const session: Session = {
      id: `${randomBytes(16).toString('hex').toUpperCase()}-${sessions.size}`,
      user,
      durationS,
      cleanupDelayS: Math.max(0, Number(text(info.sessionCleanupDelay)) || 0),
      client,
      devices: new Map(),
      monitors: new Map(),
    };
    sessions.set(session.id, session);
    client.session = session;
    arm(session);
    counters.sessionsStarted += 1;
    return xml.sessionStarted(session.id, protocol, durationS);
  }

  /** The answer to one request; undefined sends nothing. */
  function answer(client: Peer, message: Message): string {
    const { name, body } = message;
    counters.requests[name] = (counters.requests[name] ?? 0) + 1;
    if (name === 'StartApplicationSession') return startSession(client, body);
    const session = client.session;
    if (name === 'ResetApplicationSessionTimer') {
      if (!session || text(body.sessionID) !== session.id) return xml.timerRefused('invalidSessionID');
      session.durationS = grant(text(body.requestedSessionDuration));
      arm(session);
      counters.resets += 1;
      return xml.timerReset(session.durationS);
    }
    if (!session) {
      counters.badRequests += 1;
      return xml.cstaError('operation', 'invalidCstaApplicationCorrelator');
    }
    switch (name) {
      case 'StopApplicationSession':
        if (text(body.sessionID) !== session.id) return xml.cstaError('operation', 'invalidSessionID');
        counters.sessionsStopped += 1;
        end(session, 'stopped');
        return xml.sessionStopped();
      case 'GetDeviceId': {
        const extension = text(body.extension) ?? '';
        if (
          text(body.switchName) !== switchName ||
          !/^\d+$/.test(extension) ||
          (stations && !stations.has(extension))
        )
          return xml.cstaError('operation', 'invalidDeviceID');
        const deviceId = xml.deviceIdOf(extension, switchName);
        session.devices.set(deviceId, extension);
        return xml.deviceIdAnswer(deviceId);
      }
      case 'MonitorStart': {
        const extension = session.devices.get(
          text((body.monitorObject as Node | undefined)?.deviceObject) ?? '',
        );
        if (!extension) return xml.cstaError('operation', 'invalidDeviceID');
        const crossRefId = String(++nextCrossRef);
        session.monitors.set(crossRefId, extension);
        counters.monitorsStarted += 1;
        return xml.monitorStarted(crossRefId);
      }
      case 'MonitorStop': {
        const crossRefId = text(body.monitorCrossRefID) ?? '';
        if (!session.monitors.delete(crossRefId))
          return xml.cstaError('operation', 'invalidMonitorCrossRefID');
        counters.monitorsStopped += 1;
        return xml.monitorStopped();
      }
      case 'GetAgentState': {
        const extension = session.devices.get(text(body.device) ?? '');
        if (!extension) return xml.cstaError('operation', 'invalidDeviceID');
        counters.agentStateQueries += 1;
        return xml.agentState(agents.get(extension));
      }
      default:
        return xml.cstaError('operation', 'requestIncompatibleWithObject');
    }
  }

  /** The connection closed: AES keeps the session and its monitors for the cleanup delay, for a resume. */
  function detach(client: Peer) {
    const session = client.session;
    if (!session || session.client !== client) return;
    session.client = undefined;
    session.cleanup = setTimeout(() => end(session, 'cleanup'), session.cleanupDelayS * 1000);
  }

  function clear() {
    for (const session of sessions.values()) {
      clearTimeout(session.expiry);
      clearTimeout(session.cleanup);
    }
    sessions.clear();
  }

  return { sessions, answer, end, detach, clear };
}
