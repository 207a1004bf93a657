// A local Avaya AES serving DMCC XML, for tests and benchmarks: a TLS (or TCP) server on 127.0.0.1 that
// frames by length and echoes invoke ids; StartApplicationSession (user and password checked, resume by
// sessionID within the cleanup delay), session expiry unless ResetApplicationSessionTimer, GetDeviceId
// (switch name checked), MonitorStart/Stop, GetAgentState, StopApplicationSession; events pushed with
// invoke id 9999 to every monitor of a station. Faults: drop, expire, refuse logins, malformed frames,
// stall, split and coalesced writes.
import { randomBytes } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { XMLBuilder } from 'fast-xml-parser';
import { EVENT_INVOKE_ID, encodeFrame, FrameDecoder } from '../dmcc/framing.js';
import { NS } from '../dmcc/requests.js';
import { type Message, type Node, readMessage, text } from '../dmcc/responses.js';
import { testCertificate } from './dmcc-tls.js';
import {
  DMCC_EMULATOR_DEFAULTS,
  type DmccCounters,
  type DmccEmulator,
  type DmccEmulatorOptions,
  type DmccEvent,
  type DmccSessionView,
} from './dmcc-types.js';
import * as xml from './dmcc-xml.js';

export * from './dmcc-types.js';
export { type TestCertificate, testCertificate } from './dmcc-tls.js';

interface Client {
  socket: net.Socket;
  decoder: FrameDecoder;
  session?: Session;
  backlog: Buffer[];
  flushing: boolean;
}
interface Session {
  id: string;
  user: string;
  durationS: number;
  cleanupDelayS: number;
  client?: Client;
  expiry?: NodeJS.Timeout;
  cleanup?: NodeJS.Timeout;
  devices: Map<string, string>; // device id → extension
  monitors: Map<string, string>; // monitorCrossRefID → extension
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const rebuild = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressEmptyNode: true });

export async function startDmccEmulator(options: DmccEmulatorOptions = {}): Promise<DmccEmulator> {
  const useTls = options.tls ?? true;
  const user = options.user ?? DMCC_EMULATOR_DEFAULTS.user;
  const password = options.password ?? DMCC_EMULATOR_DEFAULTS.password;
  const switchName = options.switchName ?? DMCC_EMULATOR_DEFAULTS.switchName;
  const stations = options.stations ? new Set(options.stations) : undefined;
  const agents = new Map(Object.entries(options.agents ?? {}));
  const maxDurationS = options.maxSessionDurationS ?? 3600;
  const certificate = useTls ? (options.certificate ?? testCertificate()) : undefined;
  const clients = new Set<Client>();
  const sessions = new Map<string, Session>();
  let nextCrossRef = 0;
  const faults = { refuseLogins: false, stalled: false, split: 0, coalesce: false, notifyExpiry: options.notifyExpiry ?? true };
  const counters: DmccCounters = {
    connections: 0,
    sessionsStarted: 0,
    sessionsResumed: 0,
    loginsRefused: 0,
    resets: 0,
    expirations: 0,
    cleanups: 0,
    sessionsStopped: 0,
    monitorsStarted: 0,
    monitorsStopped: 0,
    agentStateQueries: 0,
    eventsSent: 0,
    badRequests: 0,
    requests: {},
  };

  /** Writes frames in order, whole, or split and coalesced as the faults say. */
  function write(client: Client, data: Buffer) {
    if (client.socket.destroyed) return;
    if (!faults.split && !faults.coalesce && !client.backlog.length) {
      client.socket.write(data);
      return;
    }
    client.backlog.push(data);
    void flush(client);
  }
  async function flush(client: Client) {
    if (client.flushing) return;
    client.flushing = true;
    while (client.backlog.length && !client.socket.destroyed) {
      if (faults.coalesce) await delay(5);
      const data = Buffer.concat(client.backlog.splice(0));
      if (!faults.split) client.socket.write(data);
      else
        for (let at = 0; at < data.length && !client.socket.destroyed; at += faults.split) {
          client.socket.write(data.subarray(at, at + faults.split));
          await immediate();
        }
    }
    client.flushing = false;
  }
  const send = (client: Client, invokeId: string, body: string) => write(client, encodeFrame(invokeId, body));

  function end(session: Session, why: 'expired' | 'cleanup' | 'stopped', notify = false) {
    clearTimeout(session.expiry);
    clearTimeout(session.cleanup);
    sessions.delete(session.id);
    if (why === 'expired') counters.expirations += 1;
    if (why === 'cleanup') counters.cleanups += 1;
    const client = session.client;
    if (client) {
      client.session = undefined;
      if (notify) send(client, EVENT_INVOKE_ID, xml.stopSession(session.id, 'Application session timer expired'));
    }
  }
  const arm = (session: Session) => {
    clearTimeout(session.expiry);
    session.expiry = setTimeout(() => end(session, 'expired', faults.notifyExpiry), session.durationS * 1000);
  };
  const grant = (requested: string | undefined) => Math.min(maxDurationS, Math.max(1, Number(requested) || 180));

  function startSession(client: Client, body: Node): string {
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
  function answer(client: Client, message: Message): string {
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
        if (text(body.switchName) !== switchName || !/^\d+$/.test(extension) || (stations && !stations.has(extension)))
          return xml.cstaError('operation', 'invalidDeviceID');
        const deviceId = xml.deviceIdOf(extension, switchName);
        session.devices.set(deviceId, extension);
        return xml.deviceIdAnswer(deviceId);
      }
      case 'MonitorStart': {
        const extension = session.devices.get(text((body.monitorObject as Node | undefined)?.deviceObject) ?? '');
        if (!extension) return xml.cstaError('operation', 'invalidDeviceID');
        const crossRefId = String(++nextCrossRef);
        session.monitors.set(crossRefId, extension);
        counters.monitorsStarted += 1;
        return xml.monitorStarted(crossRefId);
      }
      case 'MonitorStop': {
        const crossRefId = text(body.monitorCrossRefID) ?? '';
        if (!session.monitors.delete(crossRefId)) return xml.cstaError('operation', 'invalidMonitorCrossRefID');
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

  function onData(client: Client, chunk: Buffer) {
    let frames: ReturnType<FrameDecoder['push']>;
    try {
      frames = client.decoder.push(chunk);
    } catch {
      counters.badRequests += 1;
      client.socket.destroy();
      return;
    }
    for (const frame of frames) {
      if ('bad' in frame) {
        counters.badRequests += 1;
        continue;
      }
      if (faults.stalled) continue;
      let message: Message;
      try {
        message = readMessage(frame.xml);
      } catch {
        counters.badRequests += 1;
        send(client, frame.invokeId, xml.cstaError('operation', 'generic'));
        continue;
      }
      send(client, frame.invokeId, answer(client, message));
    }
  }

  const server = useTls
    ? tls.createServer({ key: certificate!.key, cert: certificate!.cert }, (socket) => accept(socket))
    : net.createServer((socket) => accept(socket));
  function accept(socket: net.Socket) {
    const client: Client = { socket, decoder: new FrameDecoder(), backlog: [], flushing: false };
    clients.add(client);
    counters.connections += 1;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => onData(client, chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clients.delete(client);
      const session = client.session;
      if (!session || session.client !== client) return;
      session.client = undefined;
      // AES keeps the session and its monitors for the cleanup delay, for a resume.
      session.cleanup = setTimeout(() => end(session, 'cleanup'), session.cleanupDelayS * 1000);
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  /** One frame per monitor of the station, in the items' order, gathered per connection. */
  function frames(items: { extension: string; build: (crossRefId: string) => string }[]) {
    const watching = new Map<string, { client: Client; crossRefId: string }[]>();
    for (const session of sessions.values()) {
      if (!session.client) continue;
      for (const [crossRefId, extension] of session.monitors) {
        const list = watching.get(extension) ?? [];
        list.push({ client: session.client, crossRefId });
        watching.set(extension, list);
      }
    }
    const out = new Map<Client, Buffer[]>();
    let count = 0;
    for (const item of items) {
      for (const { client, crossRefId } of watching.get(item.extension) ?? []) {
        const list = out.get(client) ?? [];
        list.push(encodeFrame(EVENT_INVOKE_ID, item.build(crossRefId)));
        out.set(client, list);
        count += 1;
      }
    }
    const ready = [...out].map(([client, list]) => [client, Buffer.concat(list)] as const);
    /** Writes them, one write per connection; returns the frames written. */
    return () => {
      for (const [client, data] of ready) write(client, data);
      counters.eventsSent += count;
      return count;
    };
  }
  const eventItems = (events: DmccEvent | DmccEvent[]) =>
    (Array.isArray(events) ? events : [events]).map((event) => ({
      extension: event.extension,
      build: (crossRefId: string) => xml.eventXml(event, crossRefId, switchName),
    }));

  const emulator: DmccEmulator = {
    host: '127.0.0.1',
    port,
    tls: useTls,
    ...(certificate ? { ca: certificate.cert } : {}),
    options: {
      aesHost: '127.0.0.1',
      aesPort: port,
      aesTls: useTls,
      ...(certificate ? { aesCaCert: certificate.cert } : {}),
      aesUser: user,
      aesPassword: password,
      aesSwitchName: switchName,
    },
    counters,
    controls: {
      drop() {
        for (const client of clients) client.socket.destroy();
      },
      expire(options = {}) {
        for (const session of [...sessions.values()]) end(session, 'expired', options.notify ?? faults.notifyExpiry);
      },
      refuseLogins(on) {
        faults.refuseLogins = on;
      },
      sendMalformed(kind = 'xml') {
        for (const client of clients) send(client, EVENT_INVOKE_ID, xml.MALFORMED[kind]);
      },
      stall(on) {
        faults.stalled = on;
      },
      split(on) {
        faults.split = on === true ? 3 : on === false ? 0 : Math.max(1, on);
      },
      coalesce(on) {
        faults.coalesce = on;
      },
      setAgent(extension, agentId, options = {}) {
        const before = agents.get(extension);
        if (agentId) agents.set(extension, agentId);
        else agents.delete(extension);
        if (!options.notify) return;
        const type = agentId ? 'AgentLoggedOnEvent' : 'AgentLoggedOffEvent';
        const agent = agentId ?? before;
        emulator.push({ type, extension, ...(agent ? { agentId: agent } : {}) });
      },
    },
    push: (events) => frames(eventItems(events))(),
    prepare: (events) => frames(eventItems(events)),
    pushXml(extension, text) {
      const { name, body } = readMessage(text);
      return frames([
        {
          extension,
          build: (crossRefId) =>
            rebuild.build({ '?xml': { '@version': '1.0', '@encoding': 'UTF-8' }, [name]: { '@xmlns': NS.csta, ...body, monitorCrossRefID: crossRefId } }) as string,
        },
      ])();
    },
    sessions: (): DmccSessionView[] =>
      [...sessions.values()].map((s) => ({
        sessionId: s.id,
        user: s.user,
        connected: Boolean(s.client),
        durationS: s.durationS,
        monitors: [...s.monitors].map(([crossRefId, extension]) => ({ crossRefId, extension })),
      })),
    monitorsOf: (extension) =>
      [...sessions.values()].filter((s) => s.client).reduce((n, s) => n + [...s.monitors.values()].filter((e) => e === extension).length, 0),
    async close() {
      for (const session of [...sessions.values()]) {
        clearTimeout(session.expiry);
        clearTimeout(session.cleanup);
      }
      sessions.clear();
      for (const client of clients) client.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return emulator;
}
