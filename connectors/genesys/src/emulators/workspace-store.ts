// The Workspace API emulator's memory: accounts, tokens, Workspace sessions (the WORKSPACE_SESSIONID
// cookie), each user's calls and DN (they outlive a session, as a phone call outlives a browser tab), the
// steps each user went through, and the counters.
import { randomBytes } from 'node:crypto';
import type { ServerSession } from 'cometd-nodejs-server';
import type {
  SessionFault,
  WorkspaceAccount,
  WorkspaceCall,
  WorkspaceCounters,
  WorkspaceStep,
} from './workspace-types.js';

export interface Session {
  id: string;
  account: WorkspaceAccount;
  alive: boolean;
  initialized: boolean;
  activated: boolean;
  /** The Bayeux session its handshake made. */
  bayeux?: ServerSession;
  /** What its next /meta/connect answer carries instead of success. */
  fault?: Exclude<SessionFault, 'cookie'>;
}

export interface Dn {
  number: string;
  agentId: string;
  agentState: string;
  agentWorkMode: string;
  switchName: string;
  capabilities: string[];
  timestamp: number;
}

const id = (bytes = 12) => randomBytes(bytes).toString('hex');

export class WorkspaceStore {
  readonly counters: WorkspaceCounters = {
    tokens: 0,
    refusedTokens: 0,
    renewals: 0,
    initializations: 0,
    handshakes: 0,
    connects: 0,
    subscribes: 0,
    activations: 0,
    currentSessions: 0,
    logouts: 0,
    expirations: 0,
    refused: 0,
    published: 0,
  };
  readonly steps: WorkspaceStep[] = [];
  readonly accounts = new Map<string, WorkspaceAccount>();
  readonly sessions = new Map<string, Session>();
  /** Each user's newest live session: the one voice messages go to. */
  readonly current = new Map<string, Session>();
  readonly calls = new Map<string, Map<string, WorkspaceCall>>();
  readonly dns = new Map<string, Dn>();
  readonly #tokens = new Map<string, { username: string; expiresAt: number }>();
  readonly #refreshTokens = new Map<string, string>();
  /** The latest expiry of any token a user holds. */
  readonly #deadlines = new Map<string, number>();

  constructor(
    accounts: WorkspaceAccount[],
    private readonly tokenLifetimeMs: number,
    private readonly followToken: boolean,
  ) {
    for (const account of accounts) {
      this.accounts.set(account.username, account);
      this.calls.set(account.username, new Map());
    }
  }

  step(username: string, step: WorkspaceStep['step']): void {
    this.steps.push({ username, step });
  }

  /** A token for the user; a renewal when the user already has a live session. */
  issueToken(username: string, withRefresh: boolean): Record<string, unknown> {
    const renewal = this.current.get(username)?.alive === true;
    this.counters.tokens += 1;
    if (renewal) this.counters.renewals += 1;
    this.step(username, renewal ? 'renewal' : 'token');
    const accessToken = id(16);
    const expiresAt = Date.now() + this.tokenLifetimeMs;
    this.#tokens.set(accessToken, { username, expiresAt });
    this.#deadlines.set(username, Math.max(expiresAt, this.#deadlines.get(username) ?? 0));
    const refreshToken = withRefresh ? id(16) : undefined;
    if (refreshToken) this.#refreshTokens.set(refreshToken, username);
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: this.tokenLifetimeMs / 1_000,
      scope: '*',
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }

  /** The user a refresh token was issued to (single use). */
  takeRefreshToken(token: string): string | undefined {
    const username = this.#refreshTokens.get(token);
    this.#refreshTokens.delete(token);
    return username;
  }

  /** The user of an unexpired bearer token. */
  tokenUser(token: string): string | undefined {
    const found = this.#tokens.get(token);
    return found && found.expiresAt > Date.now() ? found.username : undefined;
  }

  /** A new Workspace session; the user's previous one ends (one session per agent). */
  open(username: string): Session {
    const account = this.accounts.get(username)!;
    const previous = this.current.get(username);
    if (previous) this.end(previous);
    const session: Session = { id: id(), account, alive: true, initialized: false, activated: false };
    this.sessions.set(session.id, session);
    this.current.set(username, session);
    this.counters.initializations += 1;
    this.step(username, 'initialize-workspace');
    return session;
  }

  /** The live session a Cookie header names. */
  byCookie(header: string | undefined): Session | undefined {
    this.sweep();
    for (const part of (header ?? '').split(';')) {
      const at = part.indexOf('=');
      if (at > 0 && part.slice(0, at).trim() === 'WORKSPACE_SESSIONID') {
        const session = this.sessions.get(part.slice(at + 1).trim());
        if (session?.alive) return session;
      }
    }
    return undefined;
  }

  end(session: Session): void {
    session.alive = false;
    this.sessions.delete(session.id);
    if (this.current.get(session.account.username) === session) this.current.delete(session.account.username);
  }

  /** Sessions whose user holds no unexpired token any more expire (when they follow the token). */
  sweep(): void {
    if (!this.followToken) return;
    const now = Date.now();
    for (const session of [...this.sessions.values()]) {
      const username = session.account.username;
      if ((this.#deadlines.get(username) ?? 0) > now) continue;
      this.counters.expirations += 1;
      this.step(username, 'expired');
      this.end(session);
    }
  }

  dnOf(username: string): Dn {
    let dn = this.dns.get(username);
    if (!dn) {
      const account = this.accounts.get(username)!;
      dn = {
        number: account.dn,
        agentId: account.agentLogin,
        agentState: account.agentState ?? 'Ready',
        agentWorkMode: 'Unknown',
        switchName: 'SIP_Switch',
        capabilities: ['ready', 'not-ready', 'dnd-on', 'set-forward'],
        timestamp: Date.now(),
      };
      this.dns.set(username, dn);
    }
    return dn;
  }
}
