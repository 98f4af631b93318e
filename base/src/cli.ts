// Parses argv with yargs into one command. Anything wrong with the invocation becomes a
// config_error naming the command or flag, never a usage dump on stdout.
import yargs, { type Argv } from 'yargs';
import { configError } from './errors.js';
import type { AirbyteCatalog, ConfiguredAirbyteCatalog } from './protocol.js';

export type Command =
  | { command: 'spec' }
  | { command: 'check'; config: string }
  | { command: 'discover'; config: string }
  | { command: 'read'; config: string; catalog: string; state?: string; inputs?: ReadInputs }
  | { command: 'help'; text: string }
  | { command: 'version' };

/**
 * How a read's --catalog and --state files become the configured catalog and per-stream states the
 * read path takes. Airbyte mode reads them as they are; Singer mode (singer/mode.ts) translates.
 */
export interface ReadInputs {
  /** The flag named in errors about the catalog file (--catalog or --properties). */
  catalogFlag: string;
  /** The configured catalog, from the file's content (undefined when none was given) and the discovered catalog. */
  catalog(given: unknown, discovered: AirbyteCatalog): ConfiguredAirbyteCatalog;
  /** The per-stream states (what parseState reads), from the --state file's content. */
  state(given: unknown): unknown;
}

const COMMANDS = ['spec', 'check', 'discover', 'read'];

/**
 * A yargs parser of `argv` for the command `name` that neither prints nor exits: no --version or
 * --help of its own (the callers answer those), and a usage error becomes a config error.
 */
export function cliParser(argv: string[], name: string, usage: string): Argv {
  return yargs(argv)
    .scriptName(name)
    .usage(usage)
    .version(false)
    .help(false)
    .exitProcess(false)
    .fail((msg, err) => {
      throw configError(`${err?.message ?? msg}. Run '${name} --help' for usage.`);
    });
}

export async function parseArgs(argv: string[], name: string, version: string): Promise<Command> {
  const first = argv.find((a) => !a.startsWith('-'));
  if (argv.includes('--version') && !first) return { command: 'version' };
  const parser = cliParser(
    argv,
    name,
    `${name} ${version}: an Airbyte-protocol source\n\nUsage: $0 <command> [options]`,
  )
    .command('spec', 'Print the connector specification')
    .command('check', 'Test the config against the service', (y) =>
      y.option('config', { type: 'string', demandOption: true, describe: 'config JSON file' }),
    )
    .command('discover', 'Print the catalog of streams', (y) =>
      y.option('config', { type: 'string', demandOption: true, describe: 'config JSON file' }),
    )
    .command('read', 'Read records', (y) =>
      y
        .option('config', { type: 'string', demandOption: true, describe: 'config JSON file' })
        .option('catalog', { type: 'string', demandOption: true, describe: 'configured catalog JSON file' })
        .option('state', { type: 'string', describe: 'state JSON file from a previous read' }),
    )
    .command('singer', 'Run as a Singer tap (--discover, --catalog, --state, --about); see singer --help')
    .strictCommands();
  if (argv.includes('--help') || argv.includes('-h')) return { command: 'help', text: await parser.getHelp() };
  if (!first) throw configError(`No command given. Use one of: ${COMMANDS.join(', ')}.`);
  if (!COMMANDS.includes(first)) throw configError(`Unknown command '${first}'. Use one of: ${COMMANDS.join(', ')}.`);
  const args = (await parser.parseAsync()) as {
    _: (string | number)[];
    config?: string;
    catalog?: string;
    state?: string;
  };
  switch (first) {
    case 'spec':
      return { command: 'spec' };
    case 'check':
    case 'discover':
      return { command: first, config: String(args.config) };
    default:
      return { command: 'read', config: String(args.config), catalog: String(args.catalog), state: args.state };
  }
}
