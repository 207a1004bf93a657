// Per-connector token bucket. Written here rather than taking @fastify/rate-limit because the key is the
// connector (known only after routing), the limit is a rate with a burst (vendors send bursts at call
// peaks), and it is one small function with no store: each replica limits its own share.
export interface RateLimiter {
  /** Takes one token; returns 0 when allowed, else the ms until a token is available. */
  take(key: string, now?: number): number;
}

export function createRateLimiter(ratePerSecond: number, burst: number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, now = Date.now()) {
      const bucket = buckets.get(key) ?? { tokens: burst, at: now };
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
      bucket.at = now;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - bucket.tokens) / ratePerSecond) * 1000);
    },
  };
}
