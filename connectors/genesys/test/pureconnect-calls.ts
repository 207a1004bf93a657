// A customer's inbound call as an ICWS queue subscription carries it: the attributes every PureConnect test uses.
export const customerCall = (id: string, agent: string, state: string) => ({
  Eic_CallId: id,
  Eic_ObjectType: 'Call',
  Eic_CallType: 'E',
  Eic_CallDirection: 'I',
  Eic_RemoteAddress: '+13175550142',
  Eic_RemoteName: 'ACME CORP',
  Eic_LocalAddress: '8005550199',
  Eic_WorkgroupName: 'Billing',
  Eic_State: state,
  Eic_UserName: agent,
});
