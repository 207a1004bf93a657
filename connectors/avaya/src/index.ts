// Avaya: Avaya Experience Platform (AXP) notification webhooks, and Avaya Aura AES call events (AES only
// speaks CSTA over a TCP session). The runner keeps the AXP WEBHOOK subscription alive itself (axp-upkeep;
// its events arrive on `axp`) and holds the AES DMCC session itself (aes-dmcc, mapped as `aes` maps a
// bridge's events, so no bridge is needed; the bridge contract stays as an alternative).
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
