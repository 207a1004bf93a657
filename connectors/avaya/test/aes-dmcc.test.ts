import { join } from 'node:path';
import { runSubscriptionConformance } from '@openconnect/core/testing';
import { startDmccEmulator } from '../src/emulators/dmcc.js';
import connector from '../src/index.js';
import { DIRECTORY } from './dmcc-helpers.js';

const DURATION_S = 2;
// The call-shape fixtures play agents at three stations (A, B and a conference party).

runSubscriptionConformance({
  connector,
  subscription: 'aes-dmcc',
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings: { directory: DIRECTORY },
  harness: async () => {
    const emulator = await startDmccEmulator();
    return {
      settings: {
        options: {
          ...emulator.options,
          aesExtensions: ['4001', '4002', '4003'],
          aesSessionDurationS: DURATION_S,
          aesRequestTimeoutMs: 1_000,
        },
        directory: DIRECTORY,
      },
      push: async (frame) => {
        const { monitoredDevice, xml } = frame as { monitoredDevice: string; xml: string };
        emulator.pushXml(monitoredDevice, xml);
      },
      drop: async () => emulator.controls.drop(),
      sendMalformed: async () => emulator.controls.sendMalformed(),
      expiryMs: DURATION_S * 1000,
      renewals: () => emulator.counters.resets,
      expirations: () => emulator.counters.expirations,
      close: () => emulator.close(),
    };
  },
});
