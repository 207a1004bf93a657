// What the emulated AES writes: answers and CSTA events, shaped as the DMCC XML guide, f-me/dmcc's
// Response.hs and the research notes (pull-protocols.md §6) show them. Device ids look like AES's
// `<extension>:<switch>::0`.
import { NS, xmlDocument } from '../dmcc/requests.js';
import type { DmccEvent } from './dmcc-types.js';

export const deviceIdOf = (extension: string, switchName: string) => `${extension}:${switchName}::0`;

export const sessionStarted = (sessionId: string, protocol: string, durationS: number) =>
  xmlDocument('StartApplicationSessionPosResponse', NS.session, {
    sessionID: sessionId,
    actualProtocolVersion: protocol,
    actualSessionDuration: durationS,
  });

export const sessionRefused = (definedError: string) =>
  xmlDocument('StartApplicationSessionNegResponse', NS.session, { errorCode: { definedError } });

export const timerReset = (durationS: number) =>
  xmlDocument('ResetApplicationSessionTimerPosResponse', NS.session, { actualSessionDuration: durationS });

export const timerRefused = (definedError: string) =>
  xmlDocument('ResetApplicationSessionTimerNegResponse', NS.session, { errorCode: { definedError } });

export const sessionStopped = () => xmlDocument('StopApplicationSessionPosResponse', NS.session, {});

/** The server ending a session (ECMA-354 lets either side send it). */
export const stopSession = (sessionId: string, reason: string) =>
  xmlDocument('StopApplicationSession', NS.session, {
    sessionID: sessionId,
    sessionEndReason: { appEndReason: reason },
  });

export const deviceIdAnswer = (deviceId: string) =>
  xmlDocument('GetDeviceIdResponse', NS.avaya, {
    device: { '@typeOfNumber': 'other', '@mediaClass': 'voice', '@bitRate': 'constant', '#text': deviceId },
  });

export const monitorStarted = (crossRefId: string) =>
  xmlDocument('MonitorStartResponse', NS.csta, {
    monitorCrossRefID: crossRefId,
    extensions: {
      privateData: {
        private: { AvayaEvents: { '@xmlns:xsi': NS.xsi, '@xsi:type': 'AvayaEvents', invertFilter: 'true' } },
      },
    },
  });

export const monitorStopped = () => xmlDocument('MonitorStopResponse', NS.csta, {});

export const agentState = (agentId: string | undefined) =>
  xmlDocument('GetAgentStateResponse', NS.csta, {
    agentStateList: {
      agentStateEntry: agentId
        ? {
            agentID: agentId,
            loggedOnState: 'true',
            agentInfo: { agentInfoItem: { agentState: 'agentReady' } },
          }
        : { loggedOnState: 'false' },
    },
  });

/** A CSTA error: `category` such as operation, security, stateIncompatibility. */
export const cstaError = (category: string, value: string) =>
  xmlDocument('CSTAErrorCode', NS.csta, { [category]: value });

const device = (id: string) => ({ deviceIdentifier: id });

/** One event as AES sends it to the monitor `crossRefId` of the event's station. */
export function eventXml(event: DmccEvent, crossRefId: string, switchName: string): string {
  const station = deviceIdOf(event.extension, switchName);
  const connection = {
    callID: event.callId ?? '1',
    deviceID: { '@typeOfNumber': 'other', '@mediaClass': 'notKnown', '#text': station },
  };
  const parties = {
    ...(event.calling ? { callingDevice: device(event.calling) } : {}),
    ...(event.called ? { calledDevice: device(event.called) } : {}),
  };
  const privateData =
    event.ucid || event.split || event.uui || event.vdn
      ? {
          extensions: {
            privateData: {
              private: {
                ...(event.vdn ? { distributingVDN: device(event.vdn) } : {}),
                ...(event.split ? { split: device(event.split) } : {}),
                ...(event.uui ? { userInfo: { type: 'ascii', data: event.uui } } : {}),
                ...(event.ucid ? { globallyUniqueCallLinkageID: event.ucid } : {}),
              },
            },
          },
        }
      : {};
  const cause = (fallback: string) => ({ cause: event.cause ?? fallback });
  let body: Record<string, unknown>;
  switch (event.type) {
    case 'DeliveredEvent':
      body = {
        connection,
        alertingDevice: device(station),
        ...parties,
        localConnectionInfo: 'alerting',
        ...cause('newCall'),
        ...privateData,
      };
      break;
    case 'EstablishedEvent':
      body = {
        establishedConnection: connection,
        answeringDevice: device(station),
        ...parties,
        localConnectionInfo: 'connected',
        ...cause('newCall'),
        ...privateData,
      };
      break;
    case 'ConnectionClearedEvent':
      body = {
        droppedConnection: connection,
        releasingDevice: device(station),
        localConnectionInfo: 'null',
        ...cause('normalClearing'),
      };
      break;
    case 'HeldEvent':
      body = {
        heldConnection: connection,
        holdingDevice: device(station),
        localConnectionInfo: 'hold',
        ...cause('normal'),
      };
      break;
    case 'RetrievedEvent':
      body = {
        retrievedConnection: connection,
        retrievingDevice: device(station),
        localConnectionInfo: 'connected',
        ...cause('normal'),
      };
      break;
    case 'TransferedEvent':
      body = {
        primaryOldCall: connection,
        transferringDevice: device(station),
        ...(event.called ? { transferredToDevice: device(event.called) } : {}),
        ...cause('transfer'),
      };
      break;
    default:
      body = { agentDevice: device(station), ...(event.agentId ? { agentID: event.agentId } : {}) };
  }
  return xmlDocument(event.type, NS.csta, { monitorCrossRefID: crossRefId, ...body });
}

/** Broken event frames, to prove the client counts and skips them. */
export const MALFORMED = {
  xml: '<?xml version="1.0" encoding="UTF-8"?><DeliveredEvent xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed3"><monitorCrossRefID>1</monitorCrossRefID><connection><callID>7</callID>',
  entity:
    '<?xml version="1.0"?><!DOCTYPE DeliveredEvent [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><DeliveredEvent><monitorCrossRefID>1</monitorCrossRefID><cause>&b;</cause></DeliveredEvent>',
  doctype:
    '<?xml version="1.0"?><!DOCTYPE DeliveredEvent SYSTEM "http://attacker.invalid/dmcc.dtd"><DeliveredEvent><monitorCrossRefID>1</monitorCrossRefID></DeliveredEvent>',
} as const;
