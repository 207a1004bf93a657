// The DMCC messages, both ways, without a connection: the requests exactly as AES receives them (the wire
// protocol: element names, namespaces, escaping), how AES's answers are read (refusals, session grants,
// agent states) and how an event becomes the bridge contract the `aes` mapping reads.
import { InputError } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import { parseDmccFrame, parsedForFrame, toBridgeEvent } from '../src/dmcc/events.js';
import * as request from '../src/dmcc/requests.js';
import {
  find,
  isRefusal,
  loggedOnAgent,
  readMessage,
  refusalOf,
  startedSession,
  text,
} from '../src/dmcc/responses.js';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const SESSION_NS = 'http://www.ecma-international.org/standards/ecma-354/appl_session';
const PV = 'http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv7';

describe('DMCC requests as AES receives them', () => {
  it('StartApplicationSession: the CTI user, its password escaped, the cleanup delay, the protocol and duration', () => {
    expect(
      request.startApplicationSession({
        applicationId: 'OpenConnect',
        userName: 'cti',
        password: 'p<&',
        protocolVersion: PV,
        durationS: 180,
        cleanupDelayS: 60,
      }),
    ).toBe(
      `${DECLARATION}<StartApplicationSession xmlns="${SESSION_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:acx="http://www.avaya.com/csta"><applicationInfo><applicationID>OpenConnect</applicationID><applicationSpecificInfo><acx:SessionLoginInfo xsi:type="acx:SessionLoginInfo"><acx:userName>cti</acx:userName><acx:password>p&lt;&amp;</acx:password><acx:sessionCleanupDelay>60</acx:sessionCleanupDelay></acx:SessionLoginInfo></applicationSpecificInfo></applicationInfo><requestedProtocolVersions><protocolVersion>${PV}</protocolVersion></requestedProtocolVersions><requestedSessionDuration>180</requestedSessionDuration></StartApplicationSession>`,
    );
  });

  it('StartApplicationSession resuming a session names its sessionID in the login info', () => {
    const xml = request.startApplicationSession({
      applicationId: 'OpenConnect',
      userName: 'cti',
      password: 'pw',
      protocolVersion: PV,
      durationS: 180,
      cleanupDelayS: 60,
      sessionId: 'A1B2-0',
    });
    expect(xml).toContain(
      '<acx:sessionCleanupDelay>60</acx:sessionCleanupDelay><acx:sessionID>A1B2-0</acx:sessionID></acx:SessionLoginInfo>',
    );
  });

  it('ResetApplicationSessionTimer and StopApplicationSession (a normal end)', () => {
    expect(request.resetApplicationSessionTimer('S1', 180)).toBe(
      `${DECLARATION}<ResetApplicationSessionTimer xmlns="${SESSION_NS}"><sessionID>S1</sessionID><requestedSessionDuration>180</requestedSessionDuration></ResetApplicationSessionTimer>`,
    );
    expect(request.stopApplicationSession('S1')).toBe(
      `${DECLARATION}<StopApplicationSession xmlns="${SESSION_NS}"><sessionID>S1</sessionID><sessionEndReason><definedEndReason>normal</definedEndReason></sessionEndReason></StopApplicationSession>`,
    );
  });

  it('GetDeviceId on the switch, in the Avaya namespace', () => {
    expect(request.getDeviceId('CM1', '4001')).toBe(
      `${DECLARATION}<GetDeviceId xmlns="http://www.avaya.com/csta"><switchName>CM1</switchName><extension>4001</extension><controllableByOtherSessions>true</controllableByOtherSessions></GetDeviceId>`,
    );
  });

  it('MonitorStart: call and agent events of the device, the filter inverted (true = send it)', () => {
    expect(request.monitorStart(PV, '4001:CM1::0')).toBe(
      `${DECLARATION}<MonitorStart xmlns="${PV}"><monitorObject><deviceObject typeOfNumber="other" mediaClass="notKnown">4001:CM1::0</deviceObject></monitorObject><requestedMonitorFilter><callcontrol><connectionCleared>true</connectionCleared><conferenced>true</conferenced><delivered>true</delivered><diverted>true</diverted><established>true</established><failed>true</failed><held>true</held><originated>true</originated><retrieved>true</retrieved><transferred>true</transferred></callcontrol><logicalDeviceFeature><agentLoggedOn>true</agentLoggedOn><agentLoggedOff>true</agentLoggedOff><agentReady>true</agentReady><agentNotReady>true</agentNotReady><agentWorkingAfterCall>true</agentWorkingAfterCall></logicalDeviceFeature></requestedMonitorFilter><extensions><privateData><private><AvayaEvents><invertFilter>true</invertFilter></AvayaEvents></private></privateData></extensions></MonitorStart>`,
    );
  });

  it('MonitorStop and GetAgentState, in the negotiated protocol namespace', () => {
    expect(request.monitorStop(PV, '7')).toBe(
      `${DECLARATION}<MonitorStop xmlns="${PV}"><monitorCrossRefID>7</monitorCrossRefID></MonitorStop>`,
    );
    expect(request.getAgentState(PV, '4001:CM1::0')).toBe(
      `${DECLARATION}<GetAgentState xmlns="${PV}"><device>4001:CM1::0</device></GetAgentState>`,
    );
  });
});

describe("reading AES's answers", () => {
  it('names a message by its root element, skipping the declaration; a root with only text keeps it as #text', () => {
    expect(readMessage(`${DECLARATION}<csta:MonitorStopResponse xmlns:csta="${PV}"/>`).name).toBe(
      'MonitorStopResponse',
    );
    expect(readMessage('<sessionID>A1</sessionID>')).toEqual({ name: 'sessionID', body: { '#text': 'A1' } });
  });

  it('refuses a document without a root element (InputError)', () => {
    expect(() => readMessage(DECLARATION)).toThrow(InputError);
  });

  it('text: trims, reads numbers, the first of a list, and the text of an element with attributes', () => {
    expect(text('  4001 ')).toBe('4001');
    expect(text('   ')).toBeUndefined();
    expect(text(7)).toBe('7');
    expect(text(['a', 'b'])).toBe('a');
    expect(text({ '@typeOfNumber': 'other', '#text': '4001:CM1::0' })).toBe('4001:CM1::0');
    expect(text({ deviceIdentifier: 'x' })).toBeUndefined();
    expect(text(undefined)).toBeUndefined();
  });

  it('find: the shallowest element of that name, through lists, never an attribute or text', () => {
    const tree = {
      a: { b: { deep: { ucid: 'deep' } } },
      list: [{ x: 1 }, { ucid: 'in-list' }],
      '@ucid': 'attribute',
    };
    expect(find(tree, 'ucid')).toBe('in-list');
    expect(find({ b: { c: { d: 'x' } } }, 'd', 1)).toBeUndefined();
    expect(find({ b: { c: { d: 'x' } } }, 'd', 2)).toBe('x');
    expect(find({ '@d': 'attr', '#text': 'd' }, 'd')).toBeUndefined();
    expect(find('text', 'd')).toBeUndefined();
  });

  it('a refusal is a CSTAErrorCode or any NegResponse, read as <category>: <value>', () => {
    const csta = readMessage(
      `<CSTAErrorCode xmlns="${PV}"><operation>invalidDeviceID</operation></CSTAErrorCode>`,
    );
    expect([isRefusal(csta), refusalOf(csta)]).toEqual([true, 'operation: invalidDeviceID']);
    const neg = readMessage(
      `<StartApplicationSessionNegResponse xmlns="${SESSION_NS}"><errorCode><definedError>invalidUserNameOrPassword</definedError></errorCode></StartApplicationSessionNegResponse>`,
    );
    expect([isRefusal(neg), refusalOf(neg)]).toEqual([true, 'definedError: invalidUserNameOrPassword']);
    expect(
      isRefusal(
        readMessage('<MonitorStartResponse><monitorCrossRefID>1</monitorCrossRefID></MonitorStartResponse>'),
      ),
    ).toBe(false);
  });

  it('reads a refusal whose value is an empty element by its name, one without any element by its text', () => {
    expect(
      refusalOf(readMessage('<CSTAErrorCode><security><noPermission/></security></CSTAErrorCode>')),
    ).toBe('security: noPermission');
    expect(refusalOf(readMessage('<CSTAErrorCode><privateErrorCode/></CSTAErrorCode>'))).toBe(
      'privateErrorCode',
    );
    expect(refusalOf(readMessage('<FooNegResponse xmlns="x" a="b">busy</FooNegResponse>'))).toBe('busy');
    expect(refusalOf(readMessage('<FooNegResponse xmlns="x"></FooNegResponse>'))).toBe('no reason given');
  });

  it('a started session: its id, the protocol and duration AES granted, else those asked for', () => {
    const granted = readMessage(
      `<StartApplicationSessionPosResponse><sessionID>A1-0</sessionID><actualProtocolVersion>PV6</actualProtocolVersion><actualSessionDuration>120</actualSessionDuration></StartApplicationSessionPosResponse>`,
    );
    expect(startedSession(granted, { protocol: PV, durationS: 180 })).toEqual({
      sessionId: 'A1-0',
      protocol: 'PV6',
      durationS: 120,
    });
    for (const duration of ['0', '-5', 'soon', ''])
      expect(
        startedSession(
          readMessage(
            `<X><sessionID>A1-0</sessionID><actualSessionDuration>${duration}</actualSessionDuration></X>`,
          ),
          {
            protocol: PV,
            durationS: 180,
          },
        ),
      ).toEqual({ sessionId: 'A1-0', protocol: PV, durationS: 180 });
    expect(() =>
      startedSession(readMessage('<X><actualSessionDuration>5</actualSessionDuration></X>'), {
        protocol: PV,
        durationS: 1,
      }),
    ).toThrow('StartApplicationSessionPosResponse holds no sessionID');
  });

  it('the agent logged on at a station: the first entry logged on with an agentID', () => {
    const answer = (entries: string) =>
      readMessage(
        `<GetAgentStateResponse><agentStateList>${entries}</agentStateList></GetAgentStateResponse>`,
      );
    expect(
      loggedOnAgent(
        answer(
          '<agentStateEntry><agentID>7001</agentID><loggedOnState>true</loggedOnState></agentStateEntry>',
        ),
      ),
    ).toBe('7001');
    expect(
      loggedOnAgent(
        answer(
          '<agentStateEntry><agentID>7001</agentID><loggedOnState>false</loggedOnState></agentStateEntry><agentStateEntry><loggedOnState>true</loggedOnState></agentStateEntry><agentStateEntry><agentID>7002</agentID></agentStateEntry>',
        ),
      ),
    ).toBe('7002');
    expect(
      loggedOnAgent(answer('<agentStateEntry><loggedOnState>false</loggedOnState></agentStateEntry>')),
    ).toBeUndefined();
    expect(loggedOnAgent(answer(''))).toBeUndefined();
  });
});

describe('a DMCC event as the bridge contract', () => {
  const station = { monitoredDevice: '4001' };
  const event = (name: string, body: string) =>
    readMessage(`<${name} xmlns="${PV}"><monitorCrossRefID>1</monitorCrossRefID>${body}</${name}>`);

  it('reads connections, devices, cause and the Avaya private data', () => {
    const message = event(
      'DeliveredEvent',
      '<connection><callID>42</callID><deviceID typeOfNumber="other">4001:CM1::0</deviceID></connection>' +
        '<alertingDevice><deviceIdentifier>4001:CM1::0</deviceIdentifier></alertingDevice>' +
        '<callingDevice><deviceIdentifier>5551230001</deviceIdentifier></callingDevice>' +
        '<calledDevice><deviceIdentifier>8005550100</deviceIdentifier></calledDevice>' +
        '<lastRedirectionDevice><deviceIdentifier>6000</deviceIdentifier></lastRedirectionDevice>' +
        '<cause>newCall</cause>' +
        '<extensions><privateData><private><distributingVDN><deviceIdentifier>6000</deviceIdentifier></distributingVDN><split><deviceIdentifier>3001</deviceIdentifier></split><userInfo><type>ascii</type><data>case 77</data></userInfo><globallyUniqueCallLinkageID>00001002941700000001</globallyUniqueCallLinkageID></private></privateData></extensions>',
    );
    expect(toBridgeEvent(message, station)).toEqual({
      eventType: 'DeliveredEvent',
      monitoredDevice: '4001',
      connection: { callID: '42', deviceID: '4001:CM1::0' },
      alertingDevice: '4001:CM1::0',
      callingDevice: '5551230001',
      calledDevice: '8005550100',
      lastRedirectionDevice: '6000',
      cause: 'newCall',
      privateData: { ucid: '00001002941700000001', split: '3001', userToUserInfo: 'case 77' },
      distributingVDN: '6000',
    });
  });

  it('names TransferedEvent (CSTA, one r) TransferredEvent, and reads every connection and device it may carry', () => {
    const connections = [
      'establishedConnection',
      'heldConnection',
      'retrievedConnection',
      'droppedConnection',
      'originatedConnection',
      'primaryOldCall',
      'secondaryOldCall',
    ];
    const devices = [
      'answeringDevice',
      'holdingDevice',
      'retrievingDevice',
      'releasingDevice',
      'transferringDevice',
      'transferredToDevice',
      'conferencingDevice',
      'addedParty',
    ];
    const message = event(
      'TransferedEvent',
      connections.map((c, i) => `<${c}><callID>${i}</callID></${c}>`).join('') +
        devices.map((d, i) => `<${d}>${4100 + i}</${d}>`).join(''),
    );
    const out = toBridgeEvent(message, station);
    expect(out.eventType).toBe('TransferredEvent');
    for (const [i, c] of connections.entries()) expect(out[c]).toEqual({ callID: String(i) });
    for (const [i, d] of devices.entries()) expect(out[d]).toBe(String(4100 + i));
  });

  it("takes the event's agentID, else the agent the session knows at the station; a connection with only a device", () => {
    const logon = event('AgentLoggedOnEvent', '<agentDevice>4001</agentDevice><agentID>7001</agentID>');
    expect(toBridgeEvent(logon, { monitoredDevice: '4001', agentId: '7999' }).agentId).toBe('7001');
    const ready = event('AgentReadyEvent', '<connection><deviceID>4001:CM1::0</deviceID></connection>');
    const out = toBridgeEvent(ready, { monitoredDevice: '4001', agentId: '7999' });
    expect([out.agentId, out.connection]).toEqual(['7999', { deviceID: '4001:CM1::0' }]);
    expect(toBridgeEvent(ready, station)).not.toHaveProperty('agentId');
  });

  it('reads UCID and user-to-user info under the names other AES versions use', () => {
    const message = event(
      'EstablishedEvent',
      '<extensions><privateData><private><ucid>00001</ucid><userToUserInfo><data>hello</data></userToUserInfo></private></privateData></extensions>',
    );
    expect(toBridgeEvent(message, station).privateData).toEqual({ ucid: '00001', userToUserInfo: 'hello' });
    const plain = event(
      'EstablishedEvent',
      '<extensions><privateData><private><userInfo>plain</userInfo></private></privateData></extensions>',
    );
    expect(toBridgeEvent(plain, station).privateData).toEqual({ userToUserInfo: 'plain' });
  });

  it('leaves out what the event does not carry', () => {
    expect(toBridgeEvent(event('HeldEvent', '<heldConnection/><cause> </cause>'), station)).toEqual({
      eventType: 'HeldEvent',
      monitoredDevice: '4001',
    });
  });

  it('parseDmccFrame: checks the frame, reads its XML (or the tree the session parsed) into the aes event', () => {
    const xml = `<HeldEvent xmlns="${PV}"><monitorCrossRefID>1</monitorCrossRefID><heldConnection><callID>9</callID></heldConnection></HeldEvent>`;
    expect(parseDmccFrame({ monitoredDevice: '4001', xml })).toMatchObject({
      eventType: 'HeldEvent',
      monitoredDevice: '4001',
      heldConnection: { callID: '9' },
    });
    parsedForFrame(xml, { name: 'RetrievedEvent', body: {} });
    expect(parseDmccFrame({ monitoredDevice: '4001', xml }).eventType).toBe('RetrievedEvent');
    // Used once: the same text again is parsed afresh.
    expect(parseDmccFrame({ monitoredDevice: '4001', xml }).eventType).toBe('HeldEvent');
  });

  it('parseDmccFrame refuses a frame whose station is no extension, or without XML', () => {
    expect(() => parseDmccFrame({ monitoredDevice: '4001:CM1::0', xml: '<HeldEvent/>' })).toThrow(
      'monitoredDevice must be a station extension',
    );
    expect(() => parseDmccFrame({ monitoredDevice: '4001', xml: '' })).toThrow(InputError);
    expect(() => parseDmccFrame({ monitoredDevice: '4001', agentId: '', xml: '<HeldEvent/>' })).toThrow(
      InputError,
    );
  });

  it('keeps at most 4,096 parsed events waiting, dropping the oldest', () => {
    const xml = (i: number) => `<HeldEvent><monitorCrossRefID>${i}</monitorCrossRefID></HeldEvent>`;
    for (let i = 0; i <= 4_096; i++) parsedForFrame(xml(i), { name: 'RetrievedEvent', body: {} });
    expect(parseDmccFrame({ monitoredDevice: '4001', xml: xml(0) }).eventType).toBe('HeldEvent');
    expect(parseDmccFrame({ monitoredDevice: '4001', xml: xml(1) }).eventType).toBe('RetrievedEvent');
    expect(parseDmccFrame({ monitoredDevice: '4001', xml: xml(4_096) }).eventType).toBe('RetrievedEvent');
  });
});
