// Genesys: three platforms, four sources. Each source has its own secret and URL
// (/webhooks/genesys/<source>); detect() also recognises each one by its body when the URL names none.
import { defineConnector } from '@openconnect/core';
import { cloud } from './cloud.js';
import { cloudNotifications } from './cloud-notifications.js';
import { cloudWorkflow } from './cloud-workflow.js';
import { config, type GenesysConfig, SECRET_KEYS } from './config.js';
import { pureconnect } from './pureconnect.js';
import { pureconnectIcws } from './pureconnect-icws.js';
import { pureengage } from './pureengage.js';
import { pureengageWorkspace } from './pureengage-workspace.js';
import { type Services, setupServices } from './users-api.js';

export { config, type GenesysConfig } from './config.js';
export { createUsersApi, type Services, type UserLookup } from './users-api.js';

export default defineConnector<GenesysConfig, Services>({
  id: 'genesys',
  displayName: 'Genesys',
  platforms: ['Genesys Cloud', 'PureConnect', 'PureEngage'],
  config,
  secrets: [...SECRET_KEYS],
  setup: setupServices,
  sources: [cloud, cloudWorkflow, pureconnect, pureengage],
  // Sessions the runner holds itself, for platforms that do not push over HTTP.
  subscriptions: [cloudNotifications, pureconnectIcws, pureengageWorkspace],
});
