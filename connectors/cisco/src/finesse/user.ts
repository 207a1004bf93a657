// User notifications → agent_state. Finesse sends a User PUT for any change (pending state, team...),
// so only a change of state or reason code becomes a message.
import type { Draft } from '@openconnect/core';
import { PROP, type Props } from '@openconnect/core';
import type { CiscoConfig } from '../config.js';
import type { User } from './model.js';

/** What identifies an agent state; a repeat of it is not news. */
export const stateKey = (user: User) => `${user.state ?? ''}|${user.reasonCodeId ?? ''}`;

export function userDraft(user: User, login: string, config: CiscoConfig, previous?: string): Draft {
  const props: Props = {};
  const set = (name: string, value: string | undefined) => {
    if (value) props[name] = value;
  };
  set(PROP.nativeEvent, user.state);
  set(PROP.agentState, user.state);
  set(PROP.previousAgentState, previous);
  set(PROP.eventTime, user.stateChangeTime);
  set(PROP.platform, config.finessePlatform);
  set('reasonCode', user.reasonCodeLabel);
  set('reasonCodeId', user.reasonCodeId);
  set('pendingState', user.pendingState);
  set('extension', user.extension);
  set('loginName', user.loginName);
  set('teamId', user.teamId);
  set('teamName', user.teamName);
  if (login !== user.loginId) set(PROP.agentPlatformId, user.loginId);
  return { agentid: login, lifecycle: 'agent_state', props };
}
