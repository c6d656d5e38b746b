/**
 * `switchyard`: argument parsing only; every command lives in cli/commands/ and calls into
 * the engine, generators and deploy modules.
 *
 * Each action imports its command's module when it runs (`await import(...)`), never at the
 * top: `--help` then loads commander alone, and `validate` never loads the AWS SDK.
 */
import { Command, CommanderError, Option } from 'commander';
import { SwitchyardError, UsageError } from '../engine/errors.ts';
import { reservedConcurrencyOption } from './commands/generate-options.ts';
import { exitQuietlyWhenStdoutCloses, processOutput } from './output.ts';
import { packageVersion } from './package-root.ts';

const program = new Command('switchyard')
  .description('Declarative routing of S3 object events to buckets, queues and inboxes.')
  .version(packageVersion(), '-V, --version', 'print the installed version')
  .exitOverride()
  .showHelpAfterError('(run switchyard --help for usage)');

program
  .command('validate')
  .description('check route files: schema, expressions, templates, allow-lists, loops')
  .argument('[paths...]', 'route files or directories', [])
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
  .action(async (paths: string[], options: { format: 'text' | 'json' | 'github' }) => {
    const { validateCommand } = await import('./commands/validate.ts');
    process.exitCode = validateCommand(paths, options.format, processOutput);
  });

program
  .command('dry-run')
  .description('run the full pipeline on an event without side effects and print every decision')
  .option('--event <file>', 'event JSON (S3 notification, SQS batch, EventBridge, direct invocation)')
  .option('--fixtures <file>', 'answers for lookups (ssm, objects, contacts): a fixtures file, or a route test file (its case for this event)')
  .option('--test <name>', "run one route test case: its event and its fixtures, from <routes>/tests")
  .option('--routes <dir>', 'route directory', 'routes')
  .option('--json', 'print the plan as JSON', false)
  .action(async (options: { event?: string; fixtures?: string; test?: string; routes: string; json: boolean }) => {
    const { dryRunCommand } = await import('./commands/dry-run.ts');
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
    const { runLocalCommand } = await import('./commands/run-local.ts');
    process.exitCode = await runLocalCommand({ dir: options.local, event: options.event, routes: options.routes, json: options.json, verbose: options.verbose }, processOutput);
  });

program
  .command('test')
  .description('run the routing expectations in routes/tests/*.yaml')
  .argument('[paths...]', 'test files or directories (default: <routes>/tests)')
  .option('--routes <dir>', 'route directory', 'routes')
  .action(async (paths: string[], options: { routes: string }) => {
    const { testRoutesCommand } = await import('./commands/test-routes.ts');
    process.exitCode = await testRoutesCommand(paths, options.routes, processOutput);
  });

program
  .command('demo')
  .description('run the seed routes end to end against local directories (no AWS account needed)')
  .option('--routes <dir>', 'route directory with route tests (default: the seed routes shipped with Switchyard)')
  .option('--dir <dir>', 'where the local buckets are created (default: a new temporary directory)')
  .action(async (options: { routes?: string; dir?: string }) => {
    const { demoCommand } = await import('./commands/demo.ts');
    process.exitCode = await demoCommand(options, processOutput);
  });

program
  .command('init')
  .description('scaffold a routes repository: example route and test, editor schema mapping, CI workflow (never overwrites)')
  .argument('[dir]', 'directory to scaffold', '.')
  .action(async (dir: string) => {
    const { initCommand } = await import('./commands/init.ts');
    process.exitCode = await initCommand({ dir }, processOutput);
  });

program
  .command('generate')
  .description('write the CloudFormation templates (a core stack and shards by source bucket) and the policies other accounts must apply')
  .option('--routes <dir>', 'route directory', 'routes')
  .option('--out <dir>', 'output directory', 'out')
  .option('--stack <name>', 'deployment name: its stacks are <name>-core and <name>-shard-…', 'switchyard')
  .option('--account <id>', 'account the stack is deployed to (fills the policy snippets for other accounts)')
  .option('--region <region>', 'region the stack is deployed to (fills the notification snippets)', process.env.AWS_REGION)
  .addOption(reservedConcurrencyOption())
  .option('--deployed <dir>', "the deployed stacks' templates (<stack>.json, as generate writes them or get-template prints them): keep their logical ids, as deploy does")
  .action(async (options: { routes: string; out: string; stack: string; account?: string; region?: string; reservedConcurrency?: number; deployed?: string }) => {
    const { generateCommand } = await import('./commands/generate.ts');
    process.exitCode = generateCommand(
      {
        routes: options.routes,
        out: options.out,
        stackName: options.stack,
        ...(options.account ? { account: options.account } : {}),
        ...(options.region ? { region: options.region } : {}),
        ...(options.reservedConcurrency !== undefined ? { reservedConcurrency: options.reservedConcurrency } : {}),
        ...(options.deployed !== undefined ? { deployed: options.deployed } : {}),
      },
      processOutput,
    );
  });

/** An option parser for counts: a usage error (SY202) names the option and what was given. */
function wholeNumberOfAtLeastOne(option: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError('SY202', `${option} must be a whole number ≥ 1, got '${value}'`);
    return n;
  };
}

interface StackOptions {
  routes: string;
  stack: string;
  region?: string;
  endpoint?: string;
  codeBucket?: string;
  concurrency?: number;
  reservedConcurrency?: number;
}

function stackCommand(name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--routes <dir>', 'route directory', 'routes')
    .option('--stack <name>', 'deployment name: its stacks are <name>-core and <name>-shard-…', 'switchyard')
    .option('--region <region>', 'AWS region (default: from the environment)')
    .option('--endpoint <url>', 'AWS-compatible endpoint for every client (e.g. a moto server)')
    .option('--code-bucket <bucket>', 'bucket for the Lambda bundle (default: switchyard-code-<account>-<region>, created when missing)')
    .option('--concurrency <n>', 'stacks worked on at once (default: 4)', wholeNumberOfAtLeastOne('--concurrency'))
    .addOption(reservedConcurrencyOption());
}

function planOptions(options: StackOptions) {
  return {
    routesDir: options.routes,
    stackName: options.stack,
    out: processOutput,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.codeBucket ? { codeBucket: options.codeBucket } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.reservedConcurrency !== undefined ? { reservedConcurrency: options.reservedConcurrency } : {}),
  };
}

/** Bucket names separated by commas (`b,c`); an empty name is a usage error (SY207). */
function bucketList(value: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw new UsageError('SY207', `--moved-buckets-applied takes bucket names separated by commas (--moved-buckets-applied b,c), or nothing for every moved bucket; got '${value}'`);
  }
  return names;
}

function movedBucketsAppliedOption(): Option {
  return new Option(
    '--moved-buckets-applied [buckets]',
    "these buckets (comma-separated; all when none are named) notify their new stacks' intake queues now; taken only where deploy cannot see it in a bucket's notification configuration",
  ).argParser(bucketList);
}

stackCommand('deploy', 'validate, generate, bundle, upload, create a change set per changed stack, confirm, execute and follow the stacks')
  .option('--yes', 'execute the change sets and delete stacks whose routes are all gone, without asking', false)
  .addOption(movedBucketsAppliedOption())
  .action(async (options: StackOptions & { yes: boolean; movedBucketsApplied?: true | string[] }) => {
    const { deployCommand } = await import('../deploy/deploy.ts');
    process.exitCode = await deployCommand({ ...planOptions(options), yes: options.yes, movedBucketsApplied: options.movedBucketsApplied ?? false });
  });

stackCommand('diff', 'show the change sets deploy would execute, for every stack, without executing them')
  .addOption(movedBucketsAppliedOption())
  .action(async (options: StackOptions & { movedBucketsApplied?: true | string[] }) => {
    const { diffCommand } = await import('../deploy/deploy.ts');
    process.exitCode = await diffCommand({ ...planOptions(options), movedBucketsApplied: options.movedBucketsApplied ?? false });
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
  .option('--concurrency <n>', 'objects transferred at once (default: batch.concurrency of the route)', wholeNumberOfAtLeastOne('--concurrency'))
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
      const { backfillOnAwsCommand } = await import('./commands/backfill-on-aws.ts');
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
    const { backfillCommand } = await import('./commands/backfill.ts');
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

program
  .command('impact')
  .description('which objects a route change sends somewhere else, and the trigger, destination and permission changes')
  .requiredOption('--base <ref-or-dir>', 'the route set to compare against: a git ref (e.g. origin/main, HEAD) or a directory')
  .option('--routes <dir>', 'route directory under review', 'routes')
  .option('--tests <dir>', 'route tests whose events are evaluated (default: <routes>/tests)')
  .option('--keys <file>', 'more objects: one key per line (s3://bucket/key, or bare keys with --bucket) or an S3 Inventory CSV')
  .option('--bucket <name>', 'bucket of the bare keys in --keys')
  .option('--list <s3-url>', 'more objects: list s3://bucket/prefix now (reads your account)')
  .option('--endpoint <url>', 'with --list: AWS-compatible endpoint (e.g. a moto server)')
  .option('--region <region>', 'with --list: AWS region (default: from the environment)')
  .option('--fixtures <file>', 'answers for lookups of listed objects (over the route tests\' fixtures)')
  .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
  .addOption(new Option('--fail-on <what>', 'exit 1 when some object would stop going to a destination').choices(['removed']))
  .option('--graph', 'add the route graph with the changed edges marked', false)
  .action(async (options: { base: string; routes: string; tests?: string; keys?: string; bucket?: string; list?: string; endpoint?: string; region?: string; fixtures?: string; format: 'markdown' | 'json'; failOn?: 'removed'; graph: boolean }) => {
    const { impactCommand } = await import('./commands/impact.ts');
    process.exitCode = await impactCommand(options, processOutput);
  });

program
  .command('graph')
  .description('draw source buckets → routes → destinations (buckets, accounts, queues, SNS and SES topics)')
  .option('--routes <dir>', 'route directory', 'routes')
  .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'))
  .action(async (options: { routes: string; format: 'mermaid' | 'dot' }) => {
    const { graphCommand } = await import('./commands/graph.ts');
    process.exitCode = graphCommand(options, processOutput);
  });

program
  .command('notifications')
  .description("a source bucket's event notifications")
  .command('apply')
  .description("merge Switchyard's entries (by Id) into a bucket's notification configuration, keeping every other target and removing the deployment's entries no route wants any more; refuses filters S3 would reject as overlapping")
  .requiredOption('--bucket <name>', 'the source bucket')
  .option('--routes <dir>', 'route directory', 'routes')
  .option('--stack <name>', 'deployment name (its stacks\' intake queues receive the events)', 'switchyard')
  .option('--account <id>', 'account the stacks run in (default: the credentials\' account)')
  .option('--region <region>', 'AWS region (default: from the environment)')
  .option('--endpoint <url>', 'AWS-compatible endpoint for every client (e.g. a moto server)')
  .option('--dry-run', 'show what would change, write nothing', false)
  .action(async (options: { bucket: string; routes: string; stack: string; account?: string; region?: string; endpoint?: string; dryRun: boolean }) => {
    const { notificationsApplyCommand } = await import('./commands/notifications.ts');
    process.exitCode = await notificationsApplyCommand(options, processOutput);
  });

program
  .command('status')
  .description('per stack: deployed routes against local ones, dead-letter and failure-record depth, last-hour counts and last error per route')
  .option('--stack <name>', 'deployment name (stacks tagged switchyard:deployment=<name>, or the stack of that name)', 'switchyard')
  .option('--routes <dir>', 'local route directory to compare with', 'routes')
  .option('--region <region>', 'AWS region (default: from the environment)')
  .option('--endpoint <url>', 'AWS-compatible endpoint for every client (e.g. a moto server)')
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .action(async (options: { stack: string; routes: string; region?: string; endpoint?: string; format: 'text' | 'json' }) => {
    const { statusCommand } = await import('./commands/status.ts');
    process.exitCode = await statusCommand(options, processOutput);
  });

program
  .command('replay')
  .description('list dead-lettered events and failure records of the deployment and re-drive them after a fix')
  .option('--stack <name>', 'deployment name (stacks tagged switchyard:deployment=<name>, or the stack of that name)', 'switchyard')
  .option('--routes <dir>', 'route directory (the fixed routes the events run through)', 'routes')
  .option('--route <name>', 'only events and records of this route')
  .option('--since <time>', 'only what failed since this ISO time or duration back from now (30m, 2h, 7d)')
  .option('--dry-run', 'list only: nothing is re-driven or deleted', false)
  .option('--through-function', "re-drive in each route's deployed function (its role and routes) instead of here with your credentials; needed for destinations that grant only the function's role", false)
  .option('--json', 'print the items and counts as JSON', false)
  .option('--region <region>', 'AWS region (default: from the environment)')
  .option('--endpoint <url>', 'AWS-compatible endpoint for every client (e.g. a moto server; AWS_ENDPOINT_URL_LAMBDA points Lambda elsewhere)')
  .action(async (options: { stack: string; routes: string; route?: string; since?: string; dryRun: boolean; throughFunction: boolean; json: boolean; region?: string; endpoint?: string }) => {
    const { replayCommand } = await import('./commands/replay.ts');
    process.exitCode = await replayCommand(options, processOutput);
  });

export async function main(argv: string[]): Promise<number> {
  exitQuietlyWhenStdoutCloses();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    if (error instanceof UsageError) {
      processOutput.stderr(`switchyard: ${error.message} [${error.code}]`);
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
