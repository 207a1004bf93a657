// The join rules on their own: which steps go out for an agent, in which order, and which are dropped.
import { describe, expect, it } from 'vitest';
import { type AgentProgress, mergeInfo, release, type Step } from '../src/webex-cc/join.js';

const fresh = (): AgentProgress => ({ agentId: 'a', sent: [], held: false });
const step = (lifecycle: Step['lifecycle'], nativeEvent: string = lifecycle): Step => ({
  lifecycle,
  nativeEvent,
});
const sentOf = (progress: AgentProgress, steps: Step[]) =>
  release(progress, steps).sent.map((s) => s.lifecycle);

describe('release', () => {
  it('sends waiting steps in lifecycle order whatever order they arrived in', () => {
    expect(sentOf(fresh(), [step('ended'), step('answered'), step('offered')])).toEqual([
      'offered',
      'answered',
      'ended',
    ]);
  });

  it('sends each once-only step once per agent', () => {
    const progress = fresh();
    sentOf(progress, [step('answered')]);
    expect(release(progress, [step('answered', 'task:connected')]).skipped).toEqual([
      'task:connected: answered was already sent for this agent',
    ]);
  });

  it('drops a step older than one already sent', () => {
    const progress = fresh();
    sentOf(progress, [step('answered')]);
    expect(sentOf(progress, [step('offered')])).toEqual([]);
  });

  it('allows hold and resume to repeat, alternating', () => {
    const progress = fresh();
    expect(sentOf(progress, [step('answered')])).toEqual(['answered']);
    expect(sentOf(progress, [step('held')])).toEqual(['held']);
    expect(sentOf(progress, [step('held')])).toEqual([]);
    expect(sentOf(progress, [step('resumed')])).toEqual(['resumed']);
    expect(sentOf(progress, [step('held')])).toEqual(['held']);
  });

  it('does not resume a call that was never held', () => {
    expect(sentOf(fresh(), [step('resumed')])).toEqual([]);
  });

  it('sends no hold after the task ended', () => {
    const progress = fresh();
    sentOf(progress, [step('ended')]);
    expect(sentOf(progress, [step('held')])).toEqual([]);
  });

  it('sends wrap-up after ended, and completed after wrap-up', () => {
    const progress = fresh();
    expect(sentOf(progress, [step('completed'), step('ended'), step('wrapup')])).toEqual([
      'ended',
      'wrapup',
      'completed',
    ]);
  });
});

describe('mergeInfo', () => {
  it('lets task events overwrite and agent events only fill gaps', () => {
    const fromTask = mergeInfo({}, { origin: '+1415', destination: '+1800' }, true);
    const fromAgent = mergeInfo(fromTask, { destination: 'EP-1', queueId: 'q1' }, false);
    expect(fromAgent).toEqual({ origin: '+1415', destination: '+1800', queueId: 'q1' });
  });
});
