// Five9: Web Connectors fired from the agent desktop, verified by a shared token and mapped to drafts.
import { defineConnector } from '@openconnect/core';
import { config } from './config.js';
import { webConnector } from './web-connector.js';

export { config, type Five9Config } from './config.js';
export { FIELDS, RECOMMENDED_PARAMS, RECOMMENDED_VARIABLES } from './params.js';
export { TRIGGERS } from './triggers.js';

export default defineConnector({
  id: 'five9',
  displayName: 'Five9',
  platforms: ['Five9'],
  config,
  secrets: ['token'],
  sources: [webConnector],
});
