// Avaya: Avaya Experience Platform (AXP) notification webhooks, and Avaya Aura AES call events relayed
// by a bridge (AES itself only speaks CSTA over a TCP session, so something must turn it into HTTP).
// The runner keeps the AXP WEBHOOK subscription alive itself (axp-upkeep); its events arrive on `axp`.
// The runner can also hold the AES DMCC session itself (aes-dmcc), so no bridge is needed.
import { defineConnector } from '@openconnect/core';
import { aes } from './aes.js';
import { axp } from './axp.js';
import { axpUpkeep } from './axp-upkeep/index.js';
import { aesDmcc } from './dmcc/index.js';
import { config } from './config.js';

export { type AvayaConfig, config } from './config.js';

export default defineConnector({
  id: 'avaya',
  displayName: 'Avaya',
  platforms: ['Avaya Experience Platform', 'Avaya Aura AES'],
  config,
  secrets: ['authToken', 'bridgeToken', 'axpClientSecret', 'axpAppKey', 'aesPassword'],
  // AES first: its detector is strict (CSTA event names end in "Event"); AXP takes the other JSON events.
  sources: [aes, axp],
  subscriptions: [axpUpkeep, aesDmcc],
});
