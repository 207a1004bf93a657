// The ids the fixtures use (our own values, shaped like Amazon Connect's).
export const API_KEY = 'test-api-key-0123456789';
/** The jwt in the environment the Lambda bundles are built in (test/build-lambdas.ts), never to be in them. */
export const BUILD_TIME_JWT = 'build-time-jwt-must-not-be-bundled-0123456789';
export const INSTANCE_ID = '5f0e0c8a-7c1b-4a7e-9d52-3c9a1f6b2e10';
export const INSTANCE_ARN = `arn:aws:connect:eu-central-1:210987654321:instance/${INSTANCE_ID}`;
export const AGENT_ARN = (userId: string) => `${INSTANCE_ARN}/agent/${userId}`;
export const USER_ID = {
  maria: '8c2f4b1e-6d3a-4f59-a0e7-1b9c5d7e3a21',
  tom: '3e7a9c05-2b4d-4c8f-9e16-7d2a5b8f0c94',
  aisha: 'b41d6e2a-9f0c-4a37-8e5b-2c6f1d9a7e03',
  gone: '0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a',
} as const;
/**
 * What the local DescribeContact answers for the call-shape fixtures' contacts: the customer's number
 * (the caller, or the number dialled outbound) and the contact center's (dialled, or the caller id).
 */
export const CONTACT_ENDPOINTS: Record<string, { customer?: string; system?: string }> = {
  // The inbound call and its transfer, consult and conference legs: one customer throughout.
  '0a7d3e91-5b2c-4f68-9d14-3e8b6a2c1f70': { customer: '+4915112345678', system: '+498912345600' },
  '1b8e4fa2-6c3d-4079-8e25-4f9c7b3d2a81': { customer: '+4915112345678', system: '+498912345600' },
  '2c9f50b3-7d4e-418a-9f36-50ad8c4e3b92': { customer: '+4915112345678', system: '+498912345600' },
  // The outbound call: the number the agent dialled, and the outbound queue's caller id.
  '3da061c4-8e5f-429b-a047-61be9d5f4ca3': { customer: '+4930901820', system: '+498912345699' },
};
