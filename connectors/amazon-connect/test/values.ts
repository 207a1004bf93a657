// The ids the fixtures use (our own values, shaped like Amazon Connect's).
export const API_KEY = 'test-api-key-0123456789';
export const INSTANCE_ID = '5f0e0c8a-7c1b-4a7e-9d52-3c9a1f6b2e10';
export const INSTANCE_ARN = `arn:aws:connect:eu-central-1:210987654321:instance/${INSTANCE_ID}`;
export const AGENT_ARN = (userId: string) => `${INSTANCE_ARN}/agent/${userId}`;
export const USER_ID = {
  maria: '8c2f4b1e-6d3a-4f59-a0e7-1b9c5d7e3a21',
  tom: '3e7a9c05-2b4d-4c8f-9e16-7d2a5b8f0c94',
  aisha: 'b41d6e2a-9f0c-4a37-8e5b-2c6f1d9a7e03',
  gone: '0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a',
} as const;
