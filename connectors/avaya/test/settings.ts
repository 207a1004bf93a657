// Test deployment settings shared by the conformance suite and the Avaya-specific tests.
export const AXP_TOKEN = 'axp-test-token-0123456789';
export const BRIDGE_TOKEN = 'aes-test-token-0123456789';

export const settings = {
  options: { authToken: AXP_TOKEN, bridgeToken: BRIDGE_TOKEN },
  directory: {
    '4001': 'jdoe',
    '4002': 'asmith',
    '4003': 'bwong',
    '5001': 'jdoe',
    'ag-7f3a91': 'jdoe',
    'ag-2c44d0': 'asmith',
    'ag-91be07': 'bwong',
  },
};
