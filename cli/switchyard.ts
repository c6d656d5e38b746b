/**
 * `switchyard`: argument parsing only; every command lives in cli/commands/ and calls into
 * the engine, generators and deploy modules.
 */
import { Command, CommanderError, Option } from 'commander';
import { SwitchyardError, UsageError } from '../engine/errors.ts';
import { validateCommand } from './commands/validate.ts';
import { processOutput } from './output.ts';

const program = new Command('switchyard')
  .description('Declarative routing of S3 object events to buckets, queues and inboxes.')
  .exitOverride()
  .showHelpAfterError('(run switchyard --help for usage)');

program
  .command('validate')
  .description('check route files: schema, expressions, templates, allow-lists, loops')
  .argument('[paths...]', 'route files or directories', [])
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
  .action((paths: string[], options: { format: 'text' | 'json' | 'github' }) => {
    process.exitCode = validateCommand(paths, options.format, processOutput);
  });

export async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    if (error instanceof UsageError) {
      processOutput.stderr(`switchyard: ${error.message}`);
      return 2;
    }
    if (error instanceof SwitchyardError) {
      processOutput.stderr(`switchyard: ${error.message} [${error.code}]`);
      return 1;
    }
    processOutput.stderr(`switchyard: unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
    processOutput.stderr('This is a bug in Switchyard; please report it with the command you ran.');
    return 1;
  }
}

process.exitCode = await main(process.argv);
