// `openconnect emulator`: a local OpenConnect that prints what arrives, for trying a setup end to end.
import { EMULATOR_DEFAULT_JWT, startEmulator } from '@openconnect/core/testing';
import { type Io, paint } from '../output.js';
import { UsageError } from '../settings.js';

export async function emulatorCommand(
  flags: { port: string; host: string; jwt: string[] },
  io: Io,
): Promise<() => Promise<void>> {
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65_535)
    throw new UsageError(`--port must be 0-65535, not ${flags.port}`);
  const jwts = flags.jwt.length ? flags.jwt : [EMULATOR_DEFAULT_JWT];
  const emulator = await startEmulator({
    port,
    host: flags.host,
    jwts,
    onMessage: (m) =>
      io.out(
        `${paint(io, 'green', '←')} ${m.method} agentid=${JSON.stringify(m.agentid)} event=${JSON.stringify(m.event)} crmid=${m.crmid} props=${JSON.stringify(m.props)}`,
      ),
    onRequest: (r) => {
      if (r.status >= 300)
        io.out(`${paint(io, 'red', '✗')} ${r.method} answered ${r.status}: ${r.reason ?? ''}`);
    },
  });
  io.out(`OpenConnect emulator listening: ${emulator.endpoint}`);
  io.out(
    `accepted API key${jwts.length > 1 ? 's' : ''}: ${jwts.length === 1 && jwts[0] === EMULATOR_DEFAULT_JWT ? EMULATOR_DEFAULT_JWT : `${jwts.length} given`}`,
  );
  io.out(
    `try: openconnect send --url ${emulator.endpoint} --jwt ${jwts[0] === EMULATOR_DEFAULT_JWT ? EMULATOR_DEFAULT_JWT : '<key>'} --crmid demo.custhelp.com --agentid 123 --event testing123`,
  );
  return () => emulator.close();
}
