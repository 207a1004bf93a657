// The emulated CXone business unit: agents, contacts and Agent API sessions, one source of truth read both
// ways. A change to a contact updates its Real-Time Data record (lastUpdateTime) and sends a
// CallContactEvent to every Agent API session of its agent; a change to an agent updates its agents/states
// record and sends an AgentState. Record and event fields are spelled as CXone spells them.

export interface CxoneAgentSeed {
  agentId: string;
  userName: string;
  firstName?: string;
  lastName?: string;
  teamId?: number;
  teamName?: string;
  /** Start mode: the station a session is started on. */
  stationId?: string;
  stationPhoneNumber?: string;
  /** Whether the agent is logged in (has a session that can be joined). Default true. */
  loggedIn?: boolean;
}

export type Row = Record<string, unknown>;

interface Agent extends CxoneAgentSeed {
  state: string;
  reason: string;
  acw: boolean;
  contactId: number;
  updated: number;
  since: number;
}

export interface Contact {
  contactId: number;
  masterContactId: number;
  agentId: number;
  /** The Agent API Status; the RTD stateName is derived from it (stateNames). */
  status: string;
  finalState: boolean;
  callType: string;
  skillId: number;
  skillName: string;
  ani: string;
  dnis: string;
  inbound: boolean;
  started: number;
  updated: number;
  /** Only an Agent API leg (the agent phone leg): no contacts/active record. */
  agentApiOnly: boolean;
}

export interface Subscriber {
  sessionId: string;
  agentId: string;
  queue: Row[];
  waiter?: (events: Row[] | undefined) => void;
  lastSeen: number;
  ended: boolean;
}

/** Agent API Status → the RTD stateName the emulator lists it under (the connector's default table reads these). */
const STATE_NAMES: Record<string, string> = {
  Incoming: 'Incoming',
  Ringing: 'Ringing',
  Active: 'Active',
  Holding: 'Holding',
  Disconnected: 'Disconnected',
};
const STATE_IDS: Record<string, number> = { Incoming: 3, Ringing: 3, Active: 4, Holding: 5, Disconnected: 6 };

const iso = (ms: number) => new Date(ms).toISOString();
const flag = (value: boolean) => (value ? 'True' : 'False');

export function createTenant(seeds: CxoneAgentSeed[], onEnded: () => void) {
  let clock = 0;
  /** Strictly increasing: no two updates or answers share a time, so `updatedSince` is never ambiguous. */
  const tick = () => {
    clock = Math.max(Date.now(), clock + 1);
    return clock;
  };
  const agents = new Map<string, Agent>();
  const contacts = new Map<number, Contact>();
  const subscribers = new Map<string, Subscriber>();
  for (const seed of seeds) {
    const at = tick();
    agents.set(seed.agentId, {
      ...seed,
      loggedIn: seed.loggedIn ?? true,
      state: seed.loggedIn === false ? 'LoggedOut' : 'Available',
      reason: '',
      acw: false,
      contactId: 0,
      updated: at,
      since: at,
    });
  }

  const agentState = (a: Agent): Row => ({
    Type: 'AgentState',
    CurrentState: a.state,
    CurrentOutReason: a.reason,
    StartTimeUTC: iso(a.since),
    IsAcw: flag(a.acw),
    NextStates: [],
    NextIsAcw: 'False',
  });

  const callEvent = (c: Contact): Row => ({
    Type: 'CallContactEvent',
    ContactID: String(c.contactId),
    MasterID: String(c.masterContactId),
    Status: c.status,
    OriginalState: 'False',
    CallType: c.callType,
    DNIS: c.dnis,
    ANI: c.ani,
    Skill: String(c.skillId),
    IsInbound: flag(c.inbound),
    StartTimeUTC: iso(c.started),
    LastStateChangeTimeUTC: iso(c.updated),
    ScreenPopUrl: '',
    DisconnectCode: c.status === 'Disconnected' ? 'Caller Disconnect' : '',
    IsLogging: 'False',
    Timeout: '0',
    AllowDispositions: 'True',
    Label: '',
    IsLinked: 'False',
    TimeZones: '',
    FinalState: flag(c.finalState),
    OtherInformation: '',
    BlendingToSkillName: '',
  });

  /** Sends events to every live session of the agent. */
  function send(agentId: string, ...events: Row[]) {
    for (const s of subscribers.values()) {
      if (s.agentId !== agentId || s.ended) continue;
      s.queue.push(...events);
      flush(s);
    }
  }

  function flush(s: Subscriber) {
    if (!s.waiter || !s.queue.length) return;
    const waiter = s.waiter;
    delete s.waiter;
    waiter(s.queue.splice(0));
  }

  function setAgent(
    agentId: string,
    change: Partial<Pick<Agent, 'state' | 'reason' | 'acw' | 'contactId'>>,
    announce = true,
  ) {
    const a = agents.get(agentId);
    if (!a) throw new Error(`the emulator has no agent ${agentId}`);
    const at = tick();
    if (change.state !== undefined && change.state !== a.state) a.since = at;
    Object.assign(a, change, { updated: at });
    if (announce) send(agentId, agentState(a));
  }

  function setContact(c: Contact, change: Partial<Contact>) {
    Object.assign(c, change, { updated: tick() });
    contacts.set(c.contactId, c);
    send(String(c.agentId), callEvent(c));
  }

  return {
    tick,
    agents,
    contacts,
    subscribers,
    send,
    setAgent,
    setContact,
    callEvent,
    flush,

    /** A new session of the agent; its first answer is led by AgentSessionStart, then what is in progress. */
    open(agentId: string, sessionId: string): Subscriber {
      const a = agents.get(agentId)!;
      const s: Subscriber = { sessionId, agentId, queue: [], lastSeen: Date.now(), ended: false };
      s.queue.push(
        {
          Type: 'AgentSessionStart',
          BusNo: '4600123',
          AgentId: agentId,
          StationId: a.stationId ?? '',
          StationPhoneNumber: a.stationPhoneNumber ?? '',
          SessionId: sessionId,
        },
        agentState(a),
        ...[...contacts.values()]
          .filter((c) => String(c.agentId) === agentId && !c.finalState)
          .map(callEvent),
      );
      subscribers.set(sessionId, s);
      return s;
    },

    /** Ends the agent's sessions (or just `only`): each hears AgentSessionEnd; logout also logs the agent out. */
    end(agentId: string, logout: boolean, only?: Subscriber) {
      for (const s of subscribers.values()) {
        if (s.agentId !== agentId || s.ended || (only && s !== only)) continue;
        s.queue.push({ Type: 'AgentSessionEnd', AgentId: agentId, SessionId: s.sessionId });
        flush(s);
        s.ended = true;
        onEnded();
      }
      if (logout) {
        const a = agents.get(agentId)!;
        a.loggedIn = false;
        setAgent(agentId, { state: 'LoggedOut', reason: '', acw: false, contactId: 0 }, false);
      }
    },

    contactRow(c: Contact): Row {
      const a = agents.get(String(c.agentId));
      const stateName = STATE_NAMES[c.status] ?? c.status;
      return {
        agentId: c.agentId,
        agentStartDate: iso(c.started),
        campaignId: 0,
        campaignName: '',
        contactId: c.contactId,
        contactStartDate: iso(c.started),
        firstName: a?.firstName ?? '',
        fromAddress: c.ani,
        highProficiency: 1,
        holdCount: 0,
        isLogged: false,
        isOutbound: !c.inbound,
        isTakeover: false,
        lastName: a?.lastName ?? '',
        lastUpdateTime: iso(c.updated),
        lowProficiency: 20,
        masterContactId: c.masterContactId,
        mediaSubTypeId: 0,
        mediaTypeId: 4,
        mediaTypeName: 'Call',
        pointOfContactId: 0,
        pointOfContactName: c.dnis,
        skillId: c.skillId,
        skillName: c.skillName,
        stateName,
        stateId: STATE_IDS[c.status] ?? 0,
        contactStateCategory: c.status === 'Disconnected' ? 'Ended' : 'With Agent',
        targetAgentId: 0,
        teamId: a?.teamId ?? 0,
        teamName: a?.teamName ?? '',
        toAddress: c.dnis,
        transferIndicatorId: 0,
        transferIndicatorName: 'None',
      };
    },

    agentRow(a: Agent): Row {
      return {
        agentId: Number(a.agentId),
        agentStateId: a.state === 'Available' ? 1 : a.state === 'LoggedOut' ? 0 : 2,
        agentStateName: a.state,
        businessUnitId: 4600123,
        contactId: a.contactId,
        isActive: true,
        isACW: a.acw,
        isOutbound: false,
        firstName: a.firstName ?? '',
        lastName: a.lastName ?? '',
        lastUpdateTime: iso(a.updated),
        mediaTypeName: a.contactId ? 'Call' : '',
        mediaTypeId: a.contactId ? 4 : 0,
        openContacts: a.contactId ? 1 : 0,
        outStateDescription: a.reason,
        outStateId: a.reason ? 7 : 0,
        sessionStartTime: iso(a.since),
        startDate: iso(a.since),
        stationId: a.stationId ? Number(a.stationId) : 0,
        stationPhoneNumber: a.stationPhoneNumber ?? '',
        teamId: a.teamId ?? 0,
        teamName: a.teamName ?? '',
        userName: a.userName,
      };
    },
  };
}

export type Tenant = ReturnType<typeof createTenant>;
