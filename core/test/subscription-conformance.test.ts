// The subscription kit run on the reference line vendor: proves the kit itself (and runSession) work.
import { join } from 'node:path';
import { runSubscriptionConformance } from '../src/testing/subscriptions.js';
import { lineConnector, startLineVendor } from '../src/testing/line-vendor.js';

const TOKEN = 'line-token-0123';

runSubscriptionConformance({
  connector: lineConnector,
  subscription: 'line',
  fixturesDir: join(import.meta.dirname, 'fixtures/line-vendor'),
  settings: { options: { lineUrl: 'tcp://127.0.0.1:9', lineToken: TOKEN } },
  async harness() {
    const vendor = await startLineVendor({ token: TOKEN, sessionMs: 400 });
    return {
      settings: { options: { lineUrl: vendor.url, lineToken: TOKEN } },
      push: async (frame) => {
        vendor.push(frame as Record<string, unknown>);
      },
      drop: async () => vendor.drop(),
      sendMalformed: async () => vendor.sendMalformed(),
      expiryMs: 400,
      renewals: () => vendor.counters.renewals,
      expirations: () => vendor.counters.expirations,
      close: () => vendor.close(),
    };
  },
});
