// A vendor API's bearer token, for the look-ups and sessions that call a vendor API: fetched when first
// needed, fetched again shortly before it expires or after a 401, and never fetched twice at once (calls
// that need it while a fetch runs share that fetch).

export interface IssuedToken {
  token: string;
  /** Epoch ms when the vendor says it expires. */
  expiresAt: number;
}

export interface TokenKeeper {
  /** The token, fetching one when there is none, it was invalidated, or it expires within the margin. */
  token(): Promise<string>;
  /** Fetches a new token now (a renewal, or the answer to a 401); resolves with when it expires. */
  refresh(): Promise<number>;
  /** Forgets the token (the vendor refused it): the next token() fetches a new one. */
  invalidate(): void;
}

export function createTokenKeeper(
  fetch: () => Promise<IssuedToken>,
  options: { now?: () => number; marginMs?: number } = {},
): TokenKeeper {
  const now = options.now ?? Date.now;
  const margin = options.marginMs ?? 60_000;
  let current: IssuedToken | undefined;
  let pending: Promise<IssuedToken> | undefined;
  const fetchOnce = () => {
    pending ??= fetch()
      .then((issued) => {
        current = issued;
        return issued;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  return {
    async token() {
      if (current && current.expiresAt - margin > now()) return current.token;
      return (await fetchOnce()).token;
    },
    async refresh() {
      return (await fetchOnce()).expiresAt;
    },
    invalidate() {
      current = undefined;
    },
  };
}
