/**
 * `switchyard`: argument parsing only; every command lives in cli/commands/ and calls into
 * the engine, generators and deploy modules.
 */
import { Command, CommanderError, Option } from 'commander';
import { SwitchyardError, UsageError } from '../engine/errors.ts';
import { deployCommand, diffCommand } from '../deploy/deploy.ts';
import { backfillCommand } from './commands/backfill.ts';
import { backfillOnAwsCommand } from './commands/backfill-on-aws.ts';
import { demoCommand } from './commands/demo.ts';
import { dryRunCommand } from './commands/dry-run.ts';
import { generateCommand } from './commands/generate.ts';
import { runLocalCommand } from './commands/run-local.ts';
import { testRoutesCommand } from './commands/test-routes.ts';
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

program
  .command('dry-run')
  .description('run the full pipeline on an event without side effects and print every decision')
  .requiredOption('--event <file>', 'event JSON (S3 notification, SQS batch, EventBridge, direct invocation)')
  .option('--fixtures <file>', 'JSON/YAML answers for lookups: ssm, objects (tags, body, metadata), contacts')
  .option('--routes <dir>', 'route directory', 'routes')
  .option('--json', 'print the plan as JSON', false)
  .action(async (options: { event: string; fixtures?: string; routes: string; json: boolean }) => {
    process.exitCode = await dryRunCommand(options, processOutput);
  });

program
  .command('run')
  .description('carry out the actions for an event against local directories standing for buckets')
  .requiredOption('--local <dir>', 'directory holding one sub-directory per bucket')
  .requiredOption('--event <file>', 'event JSON')
  .option('--routes <dir>', 'route directory', 'routes')
  .option('--json', 'print the outcome as JSON', false)
  .option('--verbose', 'print the structured log lines on stderr', false)
  .action(async (options: { local: string; event: string; routes: string; json: boolean; verbose: boolean }) => {
    process.exitCode = await runLocalCommand({ dir: options.local, event: options.event, routes: options.routes, json: options.json, verbose: options.verbose }, processOutput);
  });

program
  .command('test')
  .description('run the routing expectations in routes/tests/*.yaml')
  .argument('[paths...]', 'test files or directories (default: <routes>/tests)', [])
  .option('--routes <dir>', 'route directory', 'routes')
  .action(async (paths: string[], options: { routes: string }) => {
    process.exitCode = await testRoutesCommand(paths, options.routes, processOutput);
  });

program
  .command('demo')
  .description('run the seed routes end to end against local directories (no AWS account needed)')
  .option('--routes <dir>', 'route directory', 'routes')
  .option('--dir <dir>', 'where the local buckets are created (default: a new temporary directory)')
  .action(async (options: { routes: string; dir?: string }) => {
    process.exitCode = await demoCommand(options, processOutput);
  });

program
  .command('generate')
  .description('write the CloudFormation template and the policies other accounts must apply')
  .option('--routes <dir>', 'route directory', 'routes')
  .option('--out <dir>', 'output directory', 'out')
  .option('--stack <name>', 'stack name, the prefix of physical names', 'switchyard')
  .option('--account <id>', 'account the stack is deployed to (fills the policy snippets for other accounts)')
  .option('--region <region>', 'region the stack is deployed to (fills the notification snippets)', process.env.AWS_REGION)
  .action((options: { routes: string; out: string; stack: string; account?: string; region?: string }) => {
    process.exitCode = generateCommand(
      { routes: options.routes, out: options.out, stackName: options.stack, ...(options.account ? { account: options.account } : {}), ...(options.region ? { region: options.region } : {}) },
      processOutput,
    );
  });

interface StackOptions {
  routes: string;
  stack: string;
  region?: string;
  endpoint?: string;
  codeBucket?: string;
}

function stackCommand(name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--routes <dir>', 'route directory', 'routes')
    .option('--stack <name>', 'CloudFormation stack name', 'switchyard')
    .option('--region <region>', 'AWS region (default: from the environment)')
    .option('--endpoint <url>', 'AWS-compatible endpoint for every client (e.g. a moto server)')
    .option('--code-bucket <bucket>', 'bucket for the Lambda bundle (default: switchyard-code-<account>-<region>, created when missing)');
}

function planOptions(options: StackOptions) {
  return {
    routesDir: options.routes,
    stackName: options.stack,
    out: processOutput,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.codeBucket ? { codeBucket: options.codeBucket } : {}),
  };
}

stackCommand('deploy', 'validate, generate, bundle, upload, create a change set, confirm, execute and follow the stack')
  .option('--yes', 'execute the change set without asking', false)
  .action(async (options: StackOptions & { yes: boolean }) => {
    process.exitCode = await deployCommand({ ...planOptions(options), yes: options.yes });
  });

stackCommand('diff', 'show the change set deploy would execute, without executing it').action(async (options: StackOptions) => {
  process.exitCode = await diffCommand(planOptions(options));
});

interface BackfillCliOptions {
  route: string;
  routes: string;
  on: 'local' | 'aws';
  stack: string;
  prefix?: string;
  endpoint?: string;
  region?: string;
  concurrency?: number;
  multipartThreshold?: string;
  dryRun: boolean;
  wait: boolean;
  json: boolean;
  resume?: string | true;
  inventory?: string;
  csv?: string;
}

program
  .command('backfill')
  .description("copy the objects that already exist under a route's source (seed 003): in-process, or on the deployed Step Functions state machine")
  .requiredOption('--route <name>', 'route to backfill')
  .option('--routes <dir>', 'route directory', 'routes')
  .addOption(new Option('--on <where>', 'in-process here, or start the deployed state machine').choices(['local', 'aws']).default('local'))
  .option('--stack <name>', 'with --on aws: the deployed stack', 'switchyard')
  .option('--prefix <prefix>', "only keys under this prefix (default: the route's source prefix)")
  .option('--endpoint <url>', 'AWS-compatible endpoint for every client (e.g. a moto server)')
  .option('--region <region>', 'AWS region (default: from the environment)')
  .option('--concurrency <n>', 'objects transferred at once (default: batch.concurrency of the route)', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError('SY202', `--concurrency must be a whole number ≥ 1, got '${v}'`);
    return n;
  })
  .option('--multipart-threshold <size>', "size from which multipart copy is used, e.g. 8MiB (default: the route's)")
  .option('--dry-run', 'list and show what would be copied, copy nothing', false)
  .option('--wait', 'with --on aws: follow the execution until it ends', false)
  .option('--json', 'print one JSON summary on stdout', false)
  .option('--resume [run]', 'carry on an unfinished run (its id; the latest one without a run id) from its manifest and checkpoint')
  .option('--inventory <s3-uri>', 'take the objects from an S3 Inventory report (s3://…/manifest.json, CSV with Size, ETag, LastModifiedDate)')
  .option('--csv <s3-uri>', 'copy only the objects a CSV of bucket,key rows names (keys URL-encoded, as S3 Batch Operations manifests)')
  .action(async (options: BackfillCliOptions) => {
    if (options.on === 'aws') {
      if (options.dryRun || options.concurrency !== undefined || options.multipartThreshold !== undefined) {
        throw new UsageError('SY203', '--dry-run, --concurrency and --multipart-threshold apply to in-process runs; the state machine takes its settings from the deployed route');
      }
      if (options.resume !== undefined || options.inventory !== undefined || options.csv !== undefined) {
        throw new UsageError('SY204', '--resume, --inventory and --csv apply to in-process runs; on AWS set batch.inventory in the route (the Distributed Map reads it), and redrive a failed execution in Step Functions (its Map run carries on from the failed batches) or start a new one');
      }
      process.exitCode = await backfillOnAwsCommand(
        {
          route: options.route,
          routes: options.routes,
          stack: options.stack,
          wait: options.wait,
          json: options.json,
          ...(options.prefix ? { prefix: options.prefix } : {}),
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          ...(options.region ? { region: options.region } : {}),
        },
        processOutput,
      );
      return;
    }
    process.exitCode = await backfillCommand(
      {
        route: options.route,
        routes: options.routes,
        dryRun: options.dryRun,
        json: options.json,
        ...(options.prefix ? { prefix: options.prefix } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.region ? { region: options.region } : {}),
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        ...(options.multipartThreshold ? { multipartThreshold: options.multipartThreshold } : {}),
        ...(options.resume !== undefined ? { resume: options.resume === true ? 'latest' : options.resume } : {}),
        ...(options.inventory ? { inventory: options.inventory } : {}),
        ...(options.csv ? { csv: options.csv } : {}),
      },
      processOutput,
    );
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
    if (process.env.SWITCHYARD_DEBUG) processOutput.stderr(error instanceof Error ? (error.stack ?? '') : '');
    processOutput.stderr('This is a bug in Switchyard; please report it with the command you ran.');
    return 1;
  }
}

process.exitCode = await main(process.argv);
