/**
 * `--reserved-concurrency` means the same to generate, deploy and diff: the templates deploy
 * ships are the ones generate writes with the same figures.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateCommand } from '../../../cli/commands/generate.ts';
import { generationOptions } from '../../../deploy/plan.ts';
import { generateDeployment } from '../../../generators/deployment.ts';
import { capture } from '../../support/captured-output.ts';
import { loadRouteSet } from '../generators/load-fixture-routes.ts';

const run = promisify(execFile);
const CLI = path.resolve('bin/switchyard.mjs');

describe('--reserved-concurrency', () => {
  it.for([0, 7])('deploy generates with %i exactly the templates generate writes with it', (reserved) => {
    const out = mkdtempSync(path.join(tmpdir(), 'sy-reserved-'));
    expect(generateCommand({ routes: 'routes', out, stackName: 'rc', account: '123456789012', region: 'eu-west-1', reservedConcurrency: reserved }, capture())).toBe(0);
    const shipped = generateDeployment(loadRouteSet('routes'), generationOptions({ stackName: 'rc', reservedConcurrency: reserved }, '123456789012', 'eu-west-1'));
    for (const stack of shipped.stacks) expect(stack.body, stack.name).toBe(readFileSync(path.join(out, `${stack.name}.json`), 'utf8'));
    const functions = shipped.stacks.flatMap((s) => Object.values(s.template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function'));
    expect(functions.map((f) => f.Properties?.ReservedConcurrentExecutions)).toEqual(functions.map(() => (reserved === 0 ? undefined : reserved)));
  });

  it.concurrent.for(['generate', 'deploy', 'diff'])('%s --help offers it with the same words', async (command, { expect: expectHere }) => {
    const { stdout } = await run(process.execPath, [CLI, command, '--help']);
    expectHere(stdout.replace(/\s+/g, ' ')).toContain("--reserved-concurrency <n> concurrent executions reserved for each stack's function (default: 50; 0 reserves none)");
  });
});
