// Test deployment settings shared by the conformance suite and the Genesys-specific tests.
import type { ConnectorSettingsInput } from '@openconnect/core';

export const CLOUD_KEY = 'test-cloud-key-0123456789';
export const WORKFLOW_KEY = 'test-workflow-key-0123456789';
export const PURECONNECT_TOKEN = 'test-pureconnect-token-0123';
export const PUREENGAGE_TOKEN = 'test-pureengage-token-0123';

export const settings = {
  options: {
    cloudApiKey: CLOUD_KEY,
    workflowApiKey: WORKFLOW_KEY,
    pureconnectToken: PURECONNECT_TOKEN,
    pureengageToken: PUREENGAGE_TOKEN,
  },
  directory: {
    '9d8e7f6a-1111-4222-8333-444455556666': 'jane.doe@example.com',
    '2c1f0e9d-aaaa-4bbb-8ccc-000000000002': 'li.wei',
    '1001': 'john.smith',
  },
} satisfies ConnectorSettingsInput;
