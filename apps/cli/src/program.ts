// The `openconnect` command. Every command has --help; exit codes: 0 ok, 1 failed, 2 bad usage or input.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { doctorCommand } from './commands/doctor.js';
import { emulatorCommand } from './commands/emulator.js';
import { mapCommand } from './commands/map.js';
import { sendCommand } from './commands/send.js';
import { EXIT, fail, type Io } from './output.js';
import { UsageError } from './settings.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** This package's version, from its package.json (one level above src/, as above a compiled dist/). */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function connectionOptions(command: Command): Command {
  return command
    .option('--url <url>', 'OpenConnect URL (env OPENCONNECT_URL; default the OpenConnect production URL)')
    .option(
      '--jwt <key>',
      'API key of type OpenConnect (env OPENCONNECT_JWT; prefer the env, flags land in shell history)',
    )
    .option('--crmid <id>', 'CRM instance: Oracle domain or Zendesk hostname (env OPENCONNECT_CRMID)')
    .addOption(
      new Option('--method <method>', 'POST (recommended) or GET (env OPENCONNECT_METHOD)').choices([
        'POST',
        'GET',
        'post',
        'get',
      ]),
    )
    .option('--timeout <ms>', 'request timeout in milliseconds', '10000');
}

/** Runs the CLI; resolves with the exit code. `onServe` receives the closer of long-running commands. */
export async function run(
  argv: string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
  onServe?: (close: () => Promise<void>) => void,
): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('openconnect')
    .description(
      'Send to OpenMethods OpenConnect, check a setup, run a local emulator, and dry-run connectors.',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .version(VERSION, '-V, --version', 'print the version and exit')
    .showHelpAfterError('(run with --help for usage)');

  connectionOptions(
    program
      .command('send')
      .description('send one message to OpenConnect: the connectivity test of the OpenConnect guide')
      .requiredOption('--agentid <id>', "the agent's login on the telephony platform (case-sensitive)")
      .requiredOption('--event <name>', 'the PopFlow event name, exactly (case and length)')
      .option('--prop <name=value>', 'interaction data, repeatable', collect, [])
      .option('--json', 'print the outcome as one JSON object on stdout (for scripts and CI)', false),
  ).action(async (flags) => {
    code = await sendCommand(flags, io, env);
  });

  connectionOptions(
    program
      .command('doctor')
      .description('walk the OpenConnect troubleshooting list for a configuration and say what to fix')
      .option('--agentid <id>', 'agent login to test with')
      .option('--event <name>', 'the PopFlow event name to check')
      .option('--no-send', 'do not send a test message')
      .option('--json', 'print the checks as one JSON object on stdout (for scripts and CI)', false),
  ).action(async (flags) => {
    code = await doctorCommand(flags, io, env);
  });

  program
    .command('emulator')
    .description('run a local OpenConnect emulator and print what arrives')
    .option('--port <n>', 'port to listen on', '8787')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--jwt <key>', 'API key it accepts, repeatable (default: emulator-test-key)', collect, [])
    .action(async (flags) => {
      const close = await emulatorCommand(flags, io);
      onServe?.(close);
    });

  program
    .command('map')
    .description(
      'dry-run a connector on a recorded request and print the OpenConnect messages (without the jwt)',
    )
    .requiredOption('--connector <vendor[/source]>', 'connector id, optionally with the source')
    .requiredOption('--request <file.json>', 'recorded request: { "method", "headers", "query", "body" }')
    .option('--directory <file.json>', 'platform user id → agentid entries (flat JSON object)')
    .option('--events <file.json>', 'lifecycle or native event → PopFlow event name (flat JSON object)')
    .option('--options <file.json>', "the connector's options (secrets needed only with --verify)")
    .option('--crmid <id>', 'crmid to show in the messages (env OPENCONNECT_CRMID)')
    .option('--verify', 'also check the request signature/credential with --options', false)
    .option(
      '--online',
      "let the connector's remote look-ups (e.g. Amazon Connect DescribeUser) reach the network; by default a dry run stays offline",
      false,
    )
    .option(
      '--module <file>',
      'load the connector from this file (its default export) instead of the registry',
    )
    .action(async (flags) => {
      code = await mapCommand(flags, io, env);
    });

  // No command at all is a usage error (exit 2), not a request for help: a script that lost its arguments
  // must not look successful.
  if (!argv.length) {
    io.err(program.helpInformation().trimEnd());
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help' ||
        error.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    if (error instanceof UsageError) {
      fail(io, error.message);
      return EXIT.usage;
    }
    fail(io, `unexpected error: ${(error as Error).message}`);
    return EXIT.failed;
  }
}
