// UCCX specifics: the CSQ is the queue, the contact's task id is the user.task.id ECC, agent ids are user ids.
import { createRuntime, handleRequest } from '@openconnect/core';
import { describe, expect, it } from 'vitest';
import connector from '../src/index.js';
import { dialogs, finesseRequest, update } from './finesse-helpers.js';
import { FINESSE_TOKEN, services } from './helpers.js';

const runtime = () => createRuntime(connector, { options: { finesseToken: FINESSE_TOKEN } }, { services });

const uccx = dialogs({
  id: '33554501',
  state: 'ALERTING',
  from: '4155550177',
  to: '2001',
  media: { callType: 'ACD_IN', DNIS: '2001', queueName: 'CSQ_Sales', queueNumber: '7' },
  variables: [
    ['user.task.id', '33554501'],
    ['user.layout', 'sales'],
    ['BAAccountNumber', 'A-100'],
  ],
  legs: [{ address: '3101', type: 'AGENT_DEVICE', state: 'ALERTING' }],
});

async function firstProps() {
  const outcome = await handleRequest(
    runtime(),
    finesseRequest(update(uccx, 'POST', '/finesse/api/User/jsmith/Dialogs')),
  );
  expect(outcome.kind).toBe('accepted');
  return outcome.kind === 'accepted' ? outcome.messages[0]! : undefined;
}

describe('Finesse on UCCX', () => {
  it('sends the CSQ name and id as queue and queueId', async () => {
    const message = await firstProps();
    expect([message?.props.queue, message?.props.queueId]).toEqual(['CSQ_Sales', '7']);
  });

  it('keeps user.task.id and marks the platform UCCX because of it', async () => {
    const message = await firstProps();
    expect([message?.props['user.task.id'], message?.props.platform]).toEqual(['33554501', 'UCCX']);
  });

  it('keeps outbound ECCs such as BAAccountNumber by their own names', async () => {
    const message = await firstProps();
    expect(message?.props.BAAccountNumber).toBe('A-100');
  });

  it('takes the agent from a non-numeric user id in <source>', async () => {
    const message = await firstProps();
    expect(message?.agentid).toBe('jsmith');
  });

  it('sends no call key props, since UCCX has none', async () => {
    const message = await firstProps();
    expect(Object.keys(message?.props ?? {}).filter((k) => k.startsWith('callKey'))).toEqual([]);
  });
});
