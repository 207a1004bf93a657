// One line per connector, each a workspace dependency in package.json (so `pnpm deploy` carries it).
// `pnpm new-connector <id>` adds both; keep them sorted.
export { default as amazonConnect } from '@openconnect/amazon-connect';
export { default as avaya } from '@openconnect/avaya';
export { default as c8x8 } from '@openconnect/8x8';
export { default as cisco } from '@openconnect/cisco';
export { default as five9 } from '@openconnect/five9';
export { default as genesys } from '@openconnect/genesys';
export { default as incontact } from '@openconnect/incontact';
export { default as talkdesk } from '@openconnect/talkdesk';
export { default as twilioFlex } from '@openconnect/twilio-flex';
