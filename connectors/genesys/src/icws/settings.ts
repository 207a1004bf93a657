// What the built-in ICWS session needs from the connector's options, and the facts its defaults come from.
// config.ts declares the options; this module names the rules that span several of them.

/** Interaction attributes the PureConnect mapping reads; ICWS returns only the attributes a subscription names. */
export const ICWS_ATTRIBUTES = [
  'Eic_CallId',
  'Eic_CallIdKey',
  'Eic_State',
  'Eic_CallStateString',
  'Eic_RemoteAddress',
  'Eic_RemoteName',
  'Eic_LocalAddress',
  'Eic_CallDirection',
  'Eic_ObjectType',
  'Eic_CallType',
  'Eic_WorkgroupName',
  'Eic_UserName',
  // Legs (belief, see pureconnect-legs.ts): the call a consult was made from, the conference a call joined.
  'Eic_ConsultingCallId',
  'Eic_ConferenceId',
] as const;

/**
 * Eic_State sent as a number → its letter. Belief (no Genesys table found): the numbers follow IceLib's
 * InteractionState order (None, Alerting, Connected, Held, Messaging, Offering, Parked, Proceeding, System,
 * InternalDisconnect, ExternalDisconnect, Suspended), as mirrored by public CIC integrations. Configurable
 * with `pureconnectStateNumbers`; a number from 65 to 90 not in the table is read as a character code.
 */
export const EIC_STATE_NUMBERS: Record<string, string> = {
  '1': 'A',
  '2': 'C',
  '3': 'H',
  '4': 'M',
  '5': 'O',
  '6': 'P',
  '7': 'R',
  '8': 'S',
  '9': 'I',
  '10': 'E',
  '11': 'X',
};

export interface IcwsOptions {
  pureconnectServer?: string | undefined;
  pureconnectUser?: string | undefined;
  pureconnectPassword?: string | undefined;
  pureconnectUserQueues: string[];
  pureconnectWorkgroupQueues: string[];
}

/** The session runs only when the whole login and at least one queue are configured. */
export const icwsEnabled = (o: IcwsOptions): boolean =>
  Boolean(o.pureconnectServer && o.pureconnectUser && o.pureconnectPassword) &&
  o.pureconnectUserQueues.length + o.pureconnectWorkgroupQueues.length > 0;

/** A half-configured session is a config error naming what is missing, never a session that silently never runs. */
export function icwsProblems(o: IcwsOptions): { path: string; message: string }[] {
  const started =
    o.pureconnectServer ??
    o.pureconnectUser ??
    o.pureconnectPassword ??
    o.pureconnectUserQueues[0] ??
    o.pureconnectWorkgroupQueues[0];
  if (started === undefined) return [];
  const why = 'the built-in ICWS session (pureconnect-icws) needs it once any of its options is set';
  const problems: { path: string; message: string }[] = [];
  if (!o.pureconnectServer)
    problems.push({
      path: 'pureconnectServer',
      message: `the ICWS server URL (e.g. https://cic1.example.com:8019) is missing: ${why}`,
    });
  if (!o.pureconnectUser)
    problems.push({ path: 'pureconnectUser', message: `the IC user id to log in with is missing: ${why}` });
  if (!o.pureconnectPassword)
    problems.push({ path: 'pureconnectPassword', message: `that IC user's password is missing: ${why}` });
  if (!o.pureconnectUserQueues.length && !o.pureconnectWorkgroupQueues.length)
    problems.push({
      path: 'pureconnectUserQueues',
      message: `no queue to watch: list IC user ids in pureconnectUserQueues and/or workgroup names in pureconnectWorkgroupQueues (${why})`,
    });
  return problems;
}
