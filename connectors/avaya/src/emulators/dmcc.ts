// A local Avaya AES serving DMCC XML, for tests and benchmarks: a TLS (or TCP) server on 127.0.0.1 that
// frames by length and echoes invoke ids; StartApplicationSession (user and password checked, resume by
// sessionID within the cleanup delay), session expiry unless ResetApplicationSessionTimer, GetDeviceId
// (switch name checked), MonitorStart/Stop, GetAgentState, StopApplicationSession; events pushed with
// invoke id 9999 to every monitor of a station. Faults: drop, expire, refuse logins, malformed frames,
// stall, split and coalesced writes.
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { XMLBuilder } from 'fast-xml-parser';
import { EVENT_INVOKE_ID, encodeFrame, FrameDecoder } from '../dmcc/framing.js';
import { NS } from '../dmcc/requests.js';
import { type Message, readMessage } from '../dmcc/responses.js';
import { createSessionStore, type Peer } from './dmcc-sessions.js';
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

interface Client extends Peer {
  socket: net.Socket;
  decoder: FrameDecoder;
  backlog: Buffer[];
  flushing: boolean;
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const rebuild = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  suppressEmptyNode: true,
});

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
  const faults = {
    refuseLogins: false,
    stalled: false,
    split: 0,
    coalesce: false,
    notifyExpiry: options.notifyExpiry ?? true,
  };
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
  const store = createSessionStore({
    user,
    password,
    switchName,
    ...(stations ? { stations } : {}),
    agents,
    maxDurationS,
    counters,
    faults,
  });
  const { sessions } = store;

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
        client.send(frame.invokeId, xml.cstaError('operation', 'generic'));
        continue;
      }
      client.send(frame.invokeId, store.answer(client, message));
    }
  }

  const server = useTls
    ? tls.createServer({ key: certificate!.key, cert: certificate!.cert }, (socket) => accept(socket))
    : net.createServer((socket) => accept(socket));
  function accept(socket: net.Socket) {
    const client: Client = {
      socket,
      decoder: new FrameDecoder(),
      backlog: [],
      flushing: false,
      send: (invokeId, body) => write(client, encodeFrame(invokeId, body)),
    };
    clients.add(client);
    counters.connections += 1;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => onData(client, chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clients.delete(client);
      store.detach(client);
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
        list.push({ client: session.client as Client, crossRefId }); // every peer of the store is one of ours
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
        for (const session of [...sessions.values()])
          store.end(session, 'expired', options.notify ?? faults.notifyExpiry);
      },
      refuseLogins(on) {
        faults.refuseLogins = on;
      },
      sendMalformed(kind = 'xml') {
        for (const client of clients) client.send(EVENT_INVOKE_ID, xml.MALFORMED[kind]);
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
            rebuild.build({
              '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
              [name]: { '@xmlns': NS.csta, ...body, monitorCrossRefID: crossRefId },
            }) as string,
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
      [...sessions.values()]
        .filter((s) => s.client)
        .reduce((n, s) => n + [...s.monitors.values()].filter((e) => e === extension).length, 0),
    async close() {
      store.clear();
      for (const client of clients) client.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return emulator;
}
