// The voice feed on its own: what a new session hands the host from its snapshot (current-session) and the
// live messages that waited for it, in order, and the calls it keeps in state across sessions.
import { createMemoryStateStore, type EmitResult, type SessionContext } from '@openconnect/core';
import type { Message } from 'cometd';
import { describe, expect, it } from 'vitest';
import { VOICE_CHANNEL, VoiceFeed, type WorkspaceFrame } from '../src/workspace/voice.js';

const USERNAME = 'acme\\jsmith';
const KEY = 'pureengage-workspace:calls:acme\\jsmith';
const TTL = 60_000;

const call = (id: string, state: string, extra: Record<string, unknown> = {}) => ({
  id,
  connId: id,
  callType: 'Inbound',
  state,
  ani: '3175550142',
  dnis: '5001',
  ...extra,
});
const callChanged = (c: Record<string, unknown>) => ({
  messageType: 'CallStateChanged',
  notificationType: 'StateChange',
  call: c,
});
const dn = { number: '5001', agentId: '1001', agentState: 'Ready', agentWorkMode: 'Unknown' };
const message = (data: unknown) => ({ channel: VOICE_CHANNEL, data }) as Message;

/** A feed whose host records each frame handed on; emit answers `answer` (after a tick). */
function feedWith(answer: (frame: WorkspaceFrame) => Promise<EmitResult> | EmitResult = () => accepted) {
  const state = createMemoryStateStore();
  const controller = new AbortController();
  const emitted: WorkspaceFrame[] = [];
  const ctx = {
    signal: controller.signal,
    state,
    async emit(f: WorkspaceFrame) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      emitted.push(f);
      return answer(f);
    },
  } as unknown as SessionContext;
  const feed = new VoiceFeed(ctx, { agent: '1001', username: USERNAME, ttlMs: TTL });
  return { feed, state, emitted, controller };
}
const accepted: EmitResult = { kind: 'accepted', stored: 1, duplicates: 0 };
const datas = (frames: WorkspaceFrame[]) => frames.map((f) => f.message.data);

describe('the voice feed', () => {
  it('hands on a live message that came while the snapshot was read after the snapshot news', async () => {
    const { feed, emitted } = feedWith();
    feed.onMessage(message(callChanged(call('C2', 'Ringing'))));
    await feed.open({ calls: [call('C1', 'Established')] });
    expect(datas(emitted)).toEqual([
      callChanged(call('C1', 'Established')),
      callChanged(call('C2', 'Ringing')),
    ]);
    expect(emitted[0]).toEqual({
      agent: '1001',
      message: { channel: VOICE_CHANNEL, data: callChanged(call('C1', 'Established')) },
    });
  });

  it('without a snapshot hands on only the live messages', async () => {
    const { feed, emitted } = feedWith();
    feed.onMessage(message(callChanged(call('C2', 'Ringing'))));
    await feed.open(undefined);
    expect(datas(emitted)).toEqual([callChanged(call('C2', 'Ringing'))]);
  });

  it("tells the snapshot's DN state first when no live DnStateChanged came", async () => {
    const { feed, emitted } = feedWith();
    feed.onMessage(message(callChanged(call('C2', 'Ringing'))));
    await feed.open({ calls: [], dn });
    expect(datas(emitted)).toEqual([
      { messageType: 'DnStateChanged', dn },
      callChanged(call('C2', 'Ringing')),
    ]);
  });

  it("tells the snapshot's DN state when nothing live came", async () => {
    const { feed, emitted } = feedWith();
    await feed.open({ calls: [], dn });
    expect(datas(emitted)).toEqual([{ messageType: 'DnStateChanged', dn }]);
  });

  it("skips the snapshot's DN state when a live DnStateChanged will tell it", async () => {
    const { feed, emitted } = feedWith();
    const live = { messageType: 'DnStateChanged', dn: { ...dn, agentState: 'NotReady' } };
    feed.onMessage(message(live));
    await feed.open({ calls: [], dn });
    expect(datas(emitted)).toEqual([live]);
  });

  it('a snapshot without a DN tells no DN state', async () => {
    const { feed, emitted } = feedWith();
    await feed.open({ calls: [call('C1', 'Ringing')] });
    expect(datas(emitted)).toEqual([callChanged(call('C1', 'Ringing'))]);
  });

  it('skips a snapshot call a waiting live message tells itself', async () => {
    const { feed, emitted } = feedWith();
    feed.onMessage(message(callChanged(call('C1', 'Released'))));
    await feed.open({ calls: [call('C1', 'Established')] });
    expect(datas(emitted)).toEqual([callChanged(call('C1', 'Released'))]);
  });

  it('skips snapshot calls without a usable id', async () => {
    const { feed, emitted } = feedWith();
    const numbered = call(7 as unknown as string, 'Ringing');
    await feed.open({
      calls: [{ state: 'Established' }, call('', 'Ringing'), numbered, call('C1', 'Ringing')],
    });
    expect(datas(emitted)).toEqual([callChanged(call('C1', 'Ringing'))]);
  });

  it('malformed live messages waiting for the snapshot do not stop it, and are handed on as they came', async () => {
    const { feed, emitted } = feedWith();
    const shape = { messageType: 'CallStateChanged', notificationType: 'StateChange' };
    feed.onMessage(message(shape));
    feed.onMessage(message(null));
    feed.onMessage(message(undefined));
    await feed.open({ calls: [call('C1', 'Ringing')], dn });
    expect(datas(emitted)).toEqual([
      { messageType: 'DnStateChanged', dn },
      callChanged(call('C1', 'Ringing')),
      shape,
      null,
      undefined,
    ]);
  });

  it('a live message after the snapshot is handed on at once, and settled() waits for it', async () => {
    const { feed, emitted } = feedWith();
    await feed.open(undefined);
    feed.onMessage(message(callChanged(call('C1', 'Ringing'))));
    await feed.settled();
    expect(datas(emitted)).toEqual([callChanged(call('C1', 'Ringing'))]);
  });

  it('hands nothing on once the session stopped', async () => {
    const { feed, emitted, controller } = feedWith();
    await feed.open(undefined);
    controller.abort();
    feed.onMessage(message(callChanged(call('C1', 'Ringing'))));
    await feed.settled();
    expect(emitted).toEqual([]);
  });
});

describe('the calls the voice feed keeps', () => {
  it('keeps every call not yet Completed under the user, by id', async () => {
    const { feed, state } = feedWith();
    await feed.open(undefined);
    feed.onMessage(message(callChanged(call('C1', 'Established'))));
    feed.onMessage(message(callChanged(call('C2', 'Ringing'))));
    await feed.settled();
    expect(await state.get(KEY)).toEqual({ C1: call('C1', 'Established'), C2: call('C2', 'Ringing') });
  });

  it('forgets a call once Completed, and the key with the last one', async () => {
    const { feed, state } = feedWith();
    await feed.open(undefined);
    feed.onMessage(message(callChanged(call('C1', 'Established'))));
    feed.onMessage(message(callChanged(call('C2', 'Ringing'))));
    feed.onMessage(message(callChanged(call('C1', 'Completed'))));
    await feed.settled();
    expect(await state.get(KEY)).toEqual({ C2: call('C2', 'Ringing') });
    feed.onMessage(message(callChanged(call('C2', 'Completed'))));
    await feed.settled();
    expect(await state.get(KEY)).toBeUndefined();
  });

  it('a call under a new connId replaces its previousConnId', async () => {
    const { feed, state } = feedWith();
    await feed.open(undefined);
    feed.onMessage(message(callChanged(call('C1', 'Established'))));
    feed.onMessage(message(callChanged(call('C2', 'Established', { previousConnId: 'C1' }))));
    await feed.settled();
    expect(await state.get(KEY)).toEqual({ C2: call('C2', 'Established', { previousConnId: 'C1' }) });
  });

  it('keeps no call without a usable id, and nothing from other voice messages', async () => {
    const { feed, state } = feedWith();
    await feed.open(undefined);
    feed.onMessage(message(callChanged({ state: 'Ringing' })));
    feed.onMessage(message(callChanged(call('', 'Ringing'))));
    feed.onMessage(message(callChanged(call(42 as unknown as string, 'Ringing'))));
    feed.onMessage(message({ messageType: 'DnStateChanged', dn, call: call('C9', 'Ringing') }));
    feed.onMessage(message(null));
    await feed.settled();
    expect(await state.get(KEY)).toBeUndefined();
  });

  it('keeps no call the host failed to store, and goes on with the next message', async () => {
    let calls = 0;
    const { feed, state, emitted } = feedWith(() => {
      calls += 1;
      if (calls === 1) throw new Error('store down');
      if (calls === 2) return { kind: 'failed', stored: 0, duplicates: 0 };
      return accepted;
    });
    await feed.open(undefined);
    feed.onMessage(message(callChanged(call('C1', 'Ringing'))));
    feed.onMessage(message(callChanged(call('C2', 'Ringing'))));
    feed.onMessage(message(callChanged(call('C3', 'Ringing'))));
    await feed.settled();
    expect(emitted).toHaveLength(3);
    expect(await state.get(KEY)).toEqual({ C3: call('C3', 'Ringing') });
  });

  it('a kept call missing from the next snapshot was completed meanwhile: its missing states, once', async () => {
    const { feed, state, emitted } = feedWith();
    await state.set(KEY, { C1: call('C1', 'Established'), C2: call('C2', 'Released') }, TTL);
    await feed.open({ calls: [] });
    expect(datas(emitted)).toEqual([
      callChanged(call('C1', 'Released')),
      callChanged(call('C1', 'Completed')),
      callChanged(call('C2', 'Completed')),
    ]);
    expect(await state.get(KEY)).toBeUndefined();
  });
});
