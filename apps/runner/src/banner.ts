// What an operator sees at start-up: where to point vendors, where deliveries go, where the admin API is.
import { describeConnector } from './admin/index.js';
import type { Runner } from './index.js';

const syncNote = (sync: Runner['outbox']['sync']) =>
  sync === 'normal'
    ? ', OUTBOX_SYNC=normal: no fsync before the 2xx (safe against crashes, not power loss)'
    : sync === 'full'
      ? ', fsynced before every 2xx'
      : '';

export function banner(runner: Runner): string {
  const lines = [
    '',
    `OpenConnect runner listening on ${runner.url} (public URL ${runner.publicUrl})`,
    `  outbox: ${runner.outbox.kind} (${runner.config.outbox.replace(/\/\/[^@/]*@/, '//***@')})${syncNote(runner.outbox.sync)}`,
  ];
  if (runner.target.emulator) {
    lines.push(
      '',
      '  *** No OPENCONNECT_JWT is set: deliveries go to the LOCAL OpenConnect EMULATOR, not to OpenConnect. ***',
      `  *** Emulator: ${runner.emulator?.endpoint}  (received messages: ${runner.emulator?.url}/__emulator/messages) ***`,
      '  *** Set OPENCONNECT_JWT and OPENCONNECT_CRMID to deliver for real. ***',
      '',
    );
  } else {
    lines.push(
      `  delivering to ${runner.target.baseUrl} (${runner.target.method}, crmid ${runner.target.crmid})`,
    );
  }
  if (runner.demo) {
    lines.push(
      '  DEMO MODE (no CONFIG, no CONNECTORS, no jwt): connectors that need only secrets are enabled with the',
      `  demo secret ${runner.demo.secret} (new at every start; use it as their token/secret).`,
    );
    if (runner.demo.curl) lines.push('  Try it:', '', `    ${runner.demo.curl}`, '');
    lines.push(
      `  Then see what OpenConnect would have received: curl ${runner.emulator?.url}/__emulator/messages`,
      '',
    );
  }
  const enabled = [...runner.config.connectors];
  if (!enabled.length)
    lines.push('  no connector is enabled: list them under `connectors:` in CONFIG, or set CONNECTORS');
  for (const { runtime } of enabled) {
    const info = describeConnector(runtime, runner.publicUrl);
    lines.push(`  ${info.displayName}: ${info.webhookUrl}`);
    if (info.sources.length > 1)
      for (const s of info.sources) lines.push(`      ${s.id}: ${s.webhookUrl}  (${s.auth.summary})`);
    else lines.push(`      auth: ${info.sources[0]?.auth.summary}`);
  }
  lines.push(
    `  health ${runner.url}/healthz · ready ${runner.url}/readyz · metrics ${runner.url}/metrics`,
    `  admin API ${runner.url}/admin/* ${runner.demo?.adminToken ? '(Bearer <the demo admin token below>)' : runner.config.adminToken ? '(Bearer ADMIN_TOKEN)' : 'disabled: set ADMIN_TOKEN'}`,
  );
  if (runner.demo?.adminToken)
    lines.push(
      `  DASHBOARD ${runner.url}/  sign in with the demo admin token ${runner.demo.adminToken}`,
      '  (new at every start; set ADMIN_TOKEN to choose your own)',
    );
  else
    lines.push(
      `  dashboard ${runner.url}/ ${runner.config.adminToken ? '(sign in with ADMIN_TOKEN)' : 'disabled: set ADMIN_TOKEN'}`,
    );
  lines.push('');
  return lines.join('\n');
}
