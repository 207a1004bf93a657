// The stations of a DMCC session against a scripted AES: a monitor per extension (GetDeviceId, then
// MonitorStart), stale monitors stopped on a resume, refusals reported per station, and who is logged on.
import { SessionError } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { RefusedError } from '../src/dmcc/connection.js';
import { readMessage } from '../src/dmcc/responses.js';
import { type Ask, type Monitor, monitorStations, pollAgents } from '../src/dmcc/stations.js';

const PV = 'http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv7';
const refused = (what: string, category: string, value: string) =>
  new RefusedError(what, readMessage(`<CSTAErrorCode><${category}>${value}</${category}></CSTAErrorCode>`));

/** An AES that gives `<ext>:CM1::0` and cross-ref `x<ext>`, refusing the extensions in `refuse`. */
function scriptedAes({ refuse = [] as string[], answers = {} as Record<string, string> } = {}) {
  const asked: string[] = [];
  let inFlight = 0;
  let most = 0;
  const ask: Ask = async (what, xml) => {
    asked.push(what);
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight -= 1;
    if (what in answers) return readMessage(answers[what]!);
    const extension = what.split(' ').at(-1)!;
    if (refuse.includes(extension)) throw refused(what, 'operation', 'invalidDeviceID');
    if (what.startsWith('GetDeviceId'))
      return readMessage(
        `<GetDeviceIdResponse><device typeOfNumber="other">${extension}:CM1::0</device></GetDeviceIdResponse>`,
      );
    if (what.startsWith('MonitorStart'))
      return readMessage(
        `<MonitorStartResponse><monitorCrossRefID>x${extension}</monitorCrossRefID></MonitorStartResponse>`,
      );
    if (what.startsWith('GetAgentState'))
      return readMessage(
        `<GetAgentStateResponse><agentStateList><agentStateEntry><agentID>7${extension.slice(1)}</agentID><loggedOnState>true</loggedOnState></agentStateEntry></agentStateList></GetAgentStateResponse>`,
      );
    expect(xml).toContain('MonitorStop');
    return readMessage('<MonitorStopResponse/>');
  };
  return { ask, asked, most: () => most };
}
const options = (extensions: string[]) => ({ protocol: PV, switchName: 'CM1', extensions });

describe('monitorStations', () => {
  it('asks a device id, then a monitor, for each extension', async () => {
    const aes = scriptedAes();
    const monitors = new Map<string, Monitor>();
    expect(await monitorStations(aes.ask, options(['4001', '4002']), monitors)).toEqual([]);
    expect([...monitors.values()]).toEqual([
      { extension: '4001', deviceId: '4001:CM1::0', crossRefId: 'x4001' },
      { extension: '4002', deviceId: '4002:CM1::0', crossRefId: 'x4002' },
    ]);
    expect(aes.asked.filter((w) => w.endsWith('4001'))).toEqual([
      'GetDeviceId for 4001',
      'MonitorStart for 4001',
    ]);
  });

  it('reports each station AES refuses, with its refusal, and monitors the others', async () => {
    const monitors = new Map<string, Monitor>();
    const refusals = await monitorStations(
      scriptedAes({ refuse: ['4002'] }).ask,
      options(['4001', '4002']),
      monitors,
    );
    expect(refusals).toEqual(['4002 (operation: invalidDeviceID)']);
    expect([...monitors.keys()]).toEqual(['x4001']);
  });

  it('on a resumed session, stops the monitors of stations no longer configured and starts only the missing ones', async () => {
    const aes = scriptedAes();
    const monitors = new Map<string, Monitor>([
      ['x4001', { extension: '4001', deviceId: '4001:CM1::0', crossRefId: 'x4001' }],
      ['x4009', { extension: '4009', deviceId: '4009:CM1::0', crossRefId: 'x4009' }],
    ]);
    await monitorStations(aes.ask, options(['4001', '4002']), monitors);
    expect(aes.asked).toEqual(['MonitorStop for 4009', 'GetDeviceId for 4002', 'MonitorStart for 4002']);
    expect([...monitors.keys()].sort()).toEqual(['x4001', 'x4002']);
  });

  it('goes on when stopping a stale monitor fails', async () => {
    const monitors = new Map<string, Monitor>([
      ['x4009', { extension: '4009', deviceId: '4009:CM1::0', crossRefId: 'x4009' }],
    ]);
    const ask: Ask = async (what) => {
      if (what.startsWith('MonitorStop')) throw new SessionError('no answer');
      return scriptedAes().ask(what, '');
    };
    await monitorStations(ask, options(['4001']), monitors);
    expect([...monitors.keys()]).toEqual(['x4001']);
  });

  it('ends the set-up on an answer without a device or a monitorCrossRefID, or on a failure that is no refusal', async () => {
    const noDevice = scriptedAes({ answers: { 'GetDeviceId for 4001': '<GetDeviceIdResponse/>' } });
    await expect(monitorStations(noDevice.ask, options(['4001']), new Map())).rejects.toThrow(
      'AES answered GetDeviceId for 4001 without a device',
    );
    const noRef = scriptedAes({ answers: { 'MonitorStart for 4001': '<MonitorStartResponse/>' } });
    await expect(monitorStations(noRef.ask, options(['4001']), new Map())).rejects.toThrow(
      'AES answered MonitorStart for 4001 without a monitorCrossRefID',
    );
  });

  it('asks for at most 8 stations at a time, and for every one of many', async () => {
    const aes = scriptedAes();
    const extensions = Array.from({ length: 20 }, (_, i) => String(4100 + i));
    const monitors = new Map<string, Monitor>();
    await monitorStations(aes.ask, options(extensions), monitors);
    expect(monitors.size).toBe(20);
    expect(aes.most()).toBe(8);
  });
});

describe('pollAgents', () => {
  const monitors: Monitor[] = [
    { extension: '4001', deviceId: '4001:CM1::0', crossRefId: 'x4001' },
    { extension: '4002', deviceId: '4002:CM1::0', crossRefId: 'x4002' },
  ];
  const log = () => {
    const lines: [string, Record<string, unknown>, string][] = [];
    const record = (level: string) => (detail: Record<string, unknown>, message: string) =>
      lines.push([level, detail, message]);
    return {
      lines,
      log: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
    };
  };

  it('names the agent logged on at each station', async () => {
    const agents = new Map<string, string>();
    await pollAgents(scriptedAes().ask, PV, monitors, agents, log().log);
    expect([...agents]).toEqual([
      ['4001', '7001'],
      ['4002', '7002'],
    ]);
  });

  it('forgets the agent of a station where nobody is logged on any more', async () => {
    const agents = new Map([['4001', '7001']]);
    const aes = scriptedAes({
      answers: {
        'GetAgentState for 4001':
          '<GetAgentStateResponse><agentStateList><agentStateEntry><loggedOnState>false</loggedOnState></agentStateEntry></agentStateList></GetAgentStateResponse>',
      },
    });
    await pollAgents(aes.ask, PV, monitors, agents, log().log);
    expect([...agents]).toEqual([['4002', '7002']]);
  });

  it('a refused GetAgentState leaves the station to the directory, logged at debug', async () => {
    const agents = new Map([['4002', '7002']]);
    const { lines, log: sessionLog } = log();
    await pollAgents(scriptedAes({ refuse: ['4002'] }).ask, PV, monitors, agents, sessionLog);
    expect([...agents]).toEqual([['4001', '7001']]);
    expect(lines).toEqual([
      [
        'debug',
        { extension: '4002', refusal: 'operation: invalidDeviceID' },
        'GetAgentState refused; the directory names the agent',
      ],
    ]);
  });

  it('a failure that is no refusal ends the poll', async () => {
    const ask: Ask = async () => {
      throw new SessionError('the connection to AES closed');
    };
    await expect(pollAgents(ask, PV, monitors, new Map(), log().log)).rejects.toThrow(
      'the connection to AES closed',
    );
  });
});
