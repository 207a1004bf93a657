// The agent's voice channel as frames for the host, in order. While a new session reads its snapshot
// (current-session), live messages wait; then the snapshot's calls that moved while nobody watched, the
// calls that were completed meanwhile, and the waiting messages go out, so the relay source's state logic
// (one pop per call state) sees each change once and in order.
import type { EmitResult, SessionContext, StateStore } from '@openconnect/core';
import type { Message } from 'cometd';
import type { CurrentSession } from './rest.js';

export const VOICE_CHANNEL = '/workspace/v3/voice';

/** What the session hands the host: the CometD message and the agent it is for, as a relay wraps it. */
export interface WorkspaceFrame {
  agent: string;
  message: { channel: string; data: unknown };
}

type Call = Record<string, unknown>;

/** An object to read fields of (a list has none of the fields read here, so it needs no exception). */
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The call of a CallStateChanged frame, if it is one. */
function callOf(frame: WorkspaceFrame): Call | undefined {
  const data = frame.message.data;
  if (!isRecord(data) || data.messageType !== 'CallStateChanged' || !isRecord(data.call)) return undefined;
  return typeof data.call.id === 'string' && data.call.id ? data.call : undefined;
}

const isDnFrame = (frame: WorkspaceFrame) =>
  isRecord(frame.message.data) && frame.message.data.messageType === 'DnStateChanged';

/** After the last state seen, what a call missing from the snapshot went through (it was Completed). */
const AFTER: Record<string, string[]> = { Released: ['Completed'] };
const MISSED = ['Released', 'Completed'];

export class VoiceFeed {
  readonly #ctx: SessionContext;
  readonly #agent: string;
  /** The calls seen and not yet Completed, by connId, kept in the connector's state across sessions. */
  readonly #key: string;
  readonly #ttlMs: number;
  #waiting: WorkspaceFrame[] | undefined = [];
  #chain: Promise<void> = Promise.resolve();

  constructor(ctx: SessionContext, options: { agent: string; username: string; ttlMs: number }) {
    this.#ctx = ctx;
    this.#agent = options.agent;
    this.#key = `pureengage-workspace:calls:${options.username}`;
    this.#ttlMs = options.ttlMs;
  }

  /** The CometD subscription's callback. */
  readonly onMessage = (message: Message): void => {
    const frame: WorkspaceFrame = {
      agent: this.#agent,
      message: { channel: message.channel, data: message.data },
    };
    if (this.#waiting) this.#waiting.push(frame);
    else this.#queue(frame);
  };

  /** Hands on the snapshot's news and what waited for it; resolves once all of it is stored. */
  async open(snapshot: CurrentSession | undefined): Promise<void> {
    // Stryker disable next-line ArrayDeclaration: open() runs once per feed, while the messages still wait in a list
    const live = this.#waiting ?? [];
    // Computed while live messages still wait, so nothing newer can overtake it.
    const news = snapshot ? await this.#news(snapshot, live) : [];
    this.#waiting = undefined;
    for (const frame of [...news, ...live]) this.#queue(frame);
    await this.#chain;
  }

  /** Resolves once every frame handed on so far is stored (or the session stopped). */
  settled(): Promise<void> {
    return this.#chain;
  }

  #queue(frame: WorkspaceFrame): void {
    this.#chain = this.#chain.then(async () => {
      if (this.#ctx.signal.aborted) return;
      const result: EmitResult = await this.#ctx
        .emit(frame)
        .catch(() => ({ kind: 'failed', stored: 0, duplicates: 0 }));
      if (result.kind !== 'failed') await this.#remember(frame).catch(() => undefined);
    });
  }

  async #remember(frame: WorkspaceFrame): Promise<void> {
    const call = callOf(frame);
    // Stryker disable next-line ConditionalExpression: without a call, call.id below throws and #queue drops it the same way
    if (!call) return;
    const state: StateStore = this.#ctx.state;
    const calls = { ...((await state.get<Record<string, Call>>(this.#key)) ?? {}) };
    const id = call.id as string;
    // Stryker disable next-line ConditionalExpression: without a previousConnId it would delete calls['undefined'], which is no call's id
    if (typeof call.previousConnId === 'string') delete calls[call.previousConnId];
    if (call.state === 'Completed') delete calls[id];
    else calls[id] = call;
    if (Object.keys(calls).length) await state.set(this.#key, calls, this.#ttlMs);
    else await state.delete(this.#key);
  }

  /** Frames for what changed while nobody watched, skipping what the live messages will tell themselves. */
  async #news(snapshot: CurrentSession, live: WorkspaceFrame[]): Promise<WorkspaceFrame[]> {
    const told = new Set(live.map(callOf).map((call) => call?.id as string | undefined));
    const now = new Set<string>();
    const frames: WorkspaceFrame[] = [];
    const frame = (data: Record<string, unknown>): WorkspaceFrame => ({
      agent: this.#agent,
      message: { channel: VOICE_CHANNEL, data },
    });
    const callFrame = (call: Call) =>
      frame({ messageType: 'CallStateChanged', notificationType: 'StateChange', call });
    if (snapshot.dn && !live.some(isDnFrame))
      frames.push(frame({ messageType: 'DnStateChanged', dn: snapshot.dn }));
    for (const call of snapshot.calls) {
      if (typeof call.id !== 'string' || !call.id) continue;
      now.add(call.id);
      if (!told.has(call.id)) frames.push(callFrame(call));
    }
    // A call seen before and no longer in the session was completed meanwhile: its missing states, once.
    const seen = (await this.#ctx.state.get<Record<string, Call>>(this.#key)) ?? {};
    for (const [id, call] of Object.entries(seen)) {
      if (now.has(id) || told.has(id)) continue;
      for (const state of AFTER[String(call.state)] ?? MISSED) frames.push(callFrame({ ...call, state }));
    }
    return frames;
  }
}
