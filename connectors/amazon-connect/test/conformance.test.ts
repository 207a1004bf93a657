import { join } from 'node:path';
import { runConformance } from '@openconnect/core/testing';
import { afterAll } from 'vitest';
import connector, { createConnectLookups } from '../src/index.js';
import { startFakeConnectApi, TEST_CREDENTIALS, TEST_REGION } from './fake-connect-api.js';
import { AGENT_ARN, API_KEY, CONTACT_ENDPOINTS, INSTANCE_ID, USER_ID } from './values.js';

// Agents in the fixtures: maria.lopez is in the directory by ARN, tom.becker by user id, aisha.khan only in
// the (local) Connect API, and USER_ID.gone is unknown to both.
const api = await startFakeConnectApi();
api.users.set(`${INSTANCE_ID}/${USER_ID.aisha}`, 'aisha.khan');
// DescribeContact knows the call-shape fixtures' contacts; for any other it answers 404 (no ani).
for (const [id, endpoints] of Object.entries(CONTACT_ENDPOINTS))
  api.contacts.set(`${INSTANCE_ID}/${id}`, endpoints);
afterAll(() => api.close());

runConformance({
  connector,
  fixturesDir: join(import.meta.dirname, '../fixtures'),
  settings: {
    options: { apiKey: API_KEY, region: TEST_REGION, endpoint: api.url, customerEndpoint: true },
    directory: { [AGENT_ARN(USER_ID.maria)]: 'maria.lopez', [USER_ID.tom]: 'tom.becker' },
  },
  services: createConnectLookups({
    region: TEST_REGION,
    endpoint: api.url,
    credentials: TEST_CREDENTIALS,
    lookupMaxAttempts: 1,
  }),
});
