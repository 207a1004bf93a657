// The runner holds a DMCC session with AES itself (no bridge): station monitors over TLS, each call event
// handed on as DMCC sent it and mapped by the `aes` source's own mapping (parse turns it into the bridge
// contract), so a bridge and the built-in session give the same messages.
import { defineSubscription } from '@openconnect/core';
import { type AesEvent, aes, PLATFORM } from '../aes.js';
import { type AvayaConfig, aesDmccEnabled } from '../config.js';
import { type DmccFrame, parseDmccFrame } from './events.js';
import { holdDmccSession } from './session.js';

export type { DmccFrame } from './events.js';

export const aesDmcc = defineSubscription<AesEvent, AvayaConfig, unknown, DmccFrame>({
  id: 'aes-dmcc',
  description:
    'Holds a DMCC application session with AES and a monitor per station (aesExtensions); call and agent events map as the aes source maps them',
  platforms: [PLATFORM],
  enabled: aesDmccEnabled,
  connect: holdDmccSession,
  parse: parseDmccFrame,
  map: aes.map,
  stateWrites: aes.stateWrites,
});
