// One line per connector. `pnpm new-connector <id>` adds the line; keep them sorted.
export { default as amazonConnect } from '../../amazon-connect/src/index.js';
export { default as avaya } from '../../avaya/src/index.js';
export { default as c8x8 } from '../../8x8/src/index.js';
export { default as cisco } from '../../cisco/src/index.js';
export { default as five9 } from '../../five9/src/index.js';
export { default as genesys } from '../../genesys/src/index.js';
export { default as incontact } from '../../incontact/src/index.js';
export { default as talkdesk } from '../../talkdesk/src/index.js';
export { default as twilioFlex } from '../../twilio-flex/src/index.js';
