// `singer ...` arguments (Singer's synopsis, docs/SPEC.md; Meltano SDK's --about and --format) into
// the kit's own commands: --discover is discover, a sync is read (with its catalog and state read
// through the Singer translations), --about is spec (the writer prints it as the about text).
import { configError } from '../errors.js';
import { cliParser, type Command, type ReadInputs } from '../cli.js';
import { ABOUT_FORMATS, type AboutFormat } from './about.js';

export type SingerCommand = Command & { aboutFormat?: AboutFormat };

const USAGE = `Usage:
  $0 singer --config CONFIG --discover
  $0 singer --config CONFIG [--catalog CATALOG | --properties CATALOG] [--state STATE]
  $0 singer --about [--format=json|markdown]`;

export async function parseSingerArgs(
  argv: string[],
  tap: string,
  version: string,
  inputs: (flag: string) => ReadInputs,
): Promise<SingerCommand> {
  const parser = cliParser(argv, tap, `${tap} ${version}: a Singer tap\n\n${USAGE}`)
    .option('config', { type: 'string', describe: 'config JSON file' })
    .option('discover', { type: 'boolean', describe: 'print the Singer catalog' })
    .option('catalog', { type: 'string', describe: 'Singer catalog JSON file (streams and properties selected)' })
    .option('properties', { type: 'string', describe: 'the same, under its older name' })
    .option('state', { type: 'string', describe: 'state JSON file: the value of the last STATE message' })
    .option('about', { type: 'boolean', describe: 'describe the tap (capabilities, settings)' })
    .option('format', { type: 'string', choices: ABOUT_FORMATS, describe: 'format of --about' })
    .strict();
  if (argv.includes('--help') || argv.includes('-h')) return { command: 'help', text: await parser.getHelp() };
  if (argv.includes('--version')) return { command: 'version' };
  const args = (await parser.parseAsync()) as {
    _: (string | number)[];
    config?: string;
    discover?: boolean;
    catalog?: string;
    properties?: string;
    state?: string;
    about?: boolean;
    format?: AboutFormat;
  };
  if (args._.length)
    throw configError(`Singer mode takes options only, not '${args._[0]}'. ${USAGE.replace(/\$0/g, tap)}`);
  if (args.about) return { command: 'spec', aboutFormat: args.format ?? 'text' };
  if (args.format) throw configError('--format goes with --about.');
  if (!args.config) throw configError(`Singer mode needs --config (or --about). ${USAGE.replace(/\$0/g, tap)}`);
  if (args.discover) {
    if (args.catalog ?? args.properties ?? args.state)
      throw configError(
        '--discover prints the catalog and reads nothing: leave out --catalog, --properties and --state.',
      );
    return { command: 'discover', config: args.config };
  }
  if (args.catalog && args.properties) throw configError('Give --catalog or --properties, not both.');
  const flag = args.properties ? '--properties' : '--catalog';
  return {
    command: 'read',
    config: args.config,
    catalog: args.catalog ?? args.properties ?? '',
    state: args.state,
    inputs: inputs(flag),
  };
}
