// The DMCC requests the session sends, built with fast-xml-parser's XMLBuilder (it escapes text, so a
// password with `<` or `&` stays a password). Element names and namespaces as the DMCC XML guide and
// f-me/dmcc (src/DMCC/XML/Request.hs) spell them; CSTA services use the negotiated protocol version as
// their namespace, as f-me/dmcc does against real AES.
import { XMLBuilder } from 'fast-xml-parser';

export const NS = {
  session: 'http://www.ecma-international.org/standards/ecma-354/appl_session',
  avaya: 'http://www.avaya.com/csta',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  csta: 'http://www.ecma-international.org/standards/ecma-323/csta/ed3',
} as const;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  suppressEmptyNode: true,
});

/** One XML document: the declaration, then `root` with its namespace and children. */
export function xmlDocument(root: string, namespace: string, body: Record<string, unknown>): string {
  return builder.build({
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    [root]: { '@xmlns': namespace, ...body },
  }) as string;
}

export interface StartSessionRequest {
  applicationId: string;
  userName: string;
  password: string;
  protocolVersion: string;
  durationS: number;
  cleanupDelayS: number;
  /** The session to resume (within its cleanup delay); absent for a new session. */
  sessionId?: string;
}

export const startApplicationSession = (r: StartSessionRequest) =>
  xmlDocument('StartApplicationSession', NS.session, {
    '@xmlns:xsi': NS.xsi,
    '@xmlns:acx': NS.avaya,
    applicationInfo: {
      applicationID: r.applicationId,
      applicationSpecificInfo: {
        'acx:SessionLoginInfo': {
          '@xsi:type': 'acx:SessionLoginInfo',
          'acx:userName': r.userName,
          'acx:password': r.password,
          'acx:sessionCleanupDelay': r.cleanupDelayS,
          ...(r.sessionId ? { 'acx:sessionID': r.sessionId } : {}),
        },
      },
    },
    requestedProtocolVersions: { protocolVersion: r.protocolVersion },
    requestedSessionDuration: r.durationS,
  });

export const resetApplicationSessionTimer = (sessionId: string, durationS: number) =>
  xmlDocument('ResetApplicationSessionTimer', NS.session, {
    sessionID: sessionId,
    requestedSessionDuration: durationS,
  });

export const stopApplicationSession = (sessionId: string) =>
  xmlDocument('StopApplicationSession', NS.session, {
    sessionID: sessionId,
    sessionEndReason: { definedEndReason: 'normal' },
  });

export const getDeviceId = (switchName: string, extension: string) =>
  xmlDocument('GetDeviceId', NS.avaya, { switchName, extension, controllableByOtherSessions: 'true' });

/** Call events and agent state events of one station; AvayaEvents/invertFilter makes `true` mean "send it". */
export const monitorStart = (protocol: string, deviceId: string) =>
  xmlDocument('MonitorStart', protocol, {
    monitorObject: {
      deviceObject: { '@typeOfNumber': 'other', '@mediaClass': 'notKnown', '#text': deviceId },
    },
    requestedMonitorFilter: {
      callcontrol: {
        connectionCleared: 'true',
        conferenced: 'true',
        delivered: 'true',
        diverted: 'true',
        established: 'true',
        failed: 'true',
        held: 'true',
        originated: 'true',
        retrieved: 'true',
        transferred: 'true',
      },
      logicalDeviceFeature: {
        agentLoggedOn: 'true',
        agentLoggedOff: 'true',
        agentReady: 'true',
        agentNotReady: 'true',
        agentWorkingAfterCall: 'true',
      },
    },
    extensions: { privateData: { private: { AvayaEvents: { invertFilter: 'true' } } } },
  });

export const monitorStop = (protocol: string, crossRefId: string) =>
  xmlDocument('MonitorStop', protocol, { monitorCrossRefID: crossRefId });

export const getAgentState = (protocol: string, deviceId: string) =>
  xmlDocument('GetAgentState', protocol, { device: deviceId });
