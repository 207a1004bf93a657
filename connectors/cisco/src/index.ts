// Cisco: UCCE and UCCX through Finesse notifications forwarded by our gadget, and Webex Contact Center
// through its native webhooks. One source per wire format; each recognises its own requests.
import { defineConnector } from '@openconnect/core';
import { type CiscoConfig, type CiscoServices, config, createServices, SECRET_KEYS } from './config.js';
import { finesse } from './finesse/index.js';
import { webexCc } from './webex-cc/index.js';

export { type CiscoConfig, type CiscoServices, config, createServices } from './config.js';

export default defineConnector<CiscoConfig, CiscoServices>({
  id: 'cisco',
  displayName: 'Cisco',
  platforms: ['UCCE', 'UCCX', 'Webex Contact Center'],
  config,
  secrets: [...SECRET_KEYS],
  setup: () => createServices(),
  sources: [finesse, webexCc],
});
