// Talkdesk: Connections custom-integration triggers, verified by a token header and mapped to drafts.
import { defineConnector } from '@openconnect/core';
import { config } from './config.js';
import { connections } from './connections.js';

export { config, type TalkdeskConfig } from './config.js';
export { TRIGGERS } from './triggers.js';

export default defineConnector({
  id: 'talkdesk',
  displayName: 'Talkdesk',
  platforms: ['Talkdesk'],
  config,
  secrets: ['token'],
  sources: [connections],
});
