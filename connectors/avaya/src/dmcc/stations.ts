// The stations of a DMCC session: a monitor per configured extension (GetDeviceId on the switch, then
// MonitorStart on that device), and who is logged on at each (GetAgentState). A station AES refuses is
// reported, not fatal; anything else (a lost connection, no answer) ends the session.
import { SessionError, type SessionLog } from '@openconnect/core';
import { RefusedError } from './connection.js';
import * as request from './requests.js';
import { loggedOnAgent, type Message, text } from './responses.js';

export interface Monitor {
  extension: string;
  deviceId: string;
  crossRefId: string;
}

/** Sends one request and waits for its answer (refusals reject with RefusedError). */
export type Ask = (what: string, xml: string) => Promise<Message>;

/** Requests in flight at once while setting up monitors or polling agents. */
const CONCURRENCY = 8;

/** Runs `work` over `items`, at most CONCURRENCY at a time. */
async function pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Makes `monitors` (monitorCrossRefID → monitor) cover exactly `extensions`: stops the monitors of stations
 * no longer configured (a resumed session), starts the missing ones. Returns AES's refusals, per station.
 */
export async function monitorStations(
  ask: Ask,
  options: { protocol: string; switchName: string; extensions: readonly string[] },
  monitors: Map<string, Monitor>,
): Promise<string[]> {
  const wanted = new Set(options.extensions);
  for (const monitor of [...monitors.values()]) {
    if (wanted.has(monitor.extension)) continue;
    monitors.delete(monitor.crossRefId);
    await ask(
      `MonitorStop for ${monitor.extension}`,
      request.monitorStop(options.protocol, monitor.crossRefId),
    ).catch(() => {});
  }
  const held = new Set([...monitors.values()].map((m) => m.extension));
  const refusals: string[] = [];
  await pool(
    [...wanted].filter((extension) => !held.has(extension)),
    async (extension) => {
      try {
        const device = await ask(
          `GetDeviceId for ${extension}`,
          request.getDeviceId(options.switchName, extension),
        );
        const deviceId = text(device.body.device);
        if (!deviceId) throw new SessionError(`AES answered GetDeviceId for ${extension} without a device`);
        const started = await ask(
          `MonitorStart for ${extension}`,
          request.monitorStart(options.protocol, deviceId),
        );
        const crossRefId = text(started.body.monitorCrossRefID);
        if (!crossRefId)
          throw new SessionError(`AES answered MonitorStart for ${extension} without a monitorCrossRefID`);
        monitors.set(crossRefId, { extension, deviceId, crossRefId });
      } catch (error) {
        if (!(error instanceof RefusedError)) throw error;
        refusals.push(`${extension} (${error.refusal})`);
      }
    },
  );
  return refusals;
}

/** Asks AES who is logged on at each monitored station; `agents` becomes extension → agent id. */
export async function pollAgents(
  ask: Ask,
  protocol: string,
  monitors: Iterable<Monitor>,
  agents: Map<string, string>,
  log: SessionLog,
): Promise<void> {
  await pool([...monitors], async ({ extension, deviceId }) => {
    try {
      const agent = loggedOnAgent(
        await ask(`GetAgentState for ${extension}`, request.getAgentState(protocol, deviceId)),
      );
      if (agent) agents.set(extension, agent);
      else agents.delete(extension);
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      agents.delete(extension);
      log.debug(
        { extension, refusal: error.refusal },
        'GetAgentState refused; the directory names the agent',
      );
    }
  });
}
