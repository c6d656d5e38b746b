/**
 * `generate --deployed DIR`: the templates the deployment's stacks run now, one file per stack
 * named after it (`<stack>.json`): the files an earlier `generate` wrote, or what `aws
 * cloudformation get-template --stack-name <stack> --query TemplateBody` prints. With them
 * `generate` keeps every deployed name's logical ids as `deploy` does (docs/sharding.md), so its
 * templates are the ones `deploy` would send.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../engine/errors.ts';
import { isStackTemplateFile } from '../../generators/write.ts';

export function readDeployedTemplates(dir: string, deployment: string): Map<string, string> {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError('SY208', `--deployed ${dir}: ${code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : `cannot be read (${code ?? String(error)})`}; give the directory holding the deployed stacks' templates (<stack>.json)`);
  }
  const templates = new Map<string, string>();
  for (const file of files.filter((f) => isStackTemplateFile(deployment, f)).sort()) {
    const where = path.join(dir, file);
    const text = readFileSync(where, 'utf8');
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed !== 'object' || parsed === null || !('Resources' in parsed)) throw new Error('it has no Resources');
    } catch (error) {
      throw new InputError('SY208', `${where}: not a CloudFormation template in JSON (${(error as Error).message}): --deployed reads <stack>.json files as generate writes them or get-template --query TemplateBody prints them`);
    }
    templates.set(file.slice(0, -'.json'.length), text);
  }
  if (templates.size === 0) {
    throw new InputError('SY208', `--deployed ${dir}: no template of deployment ${deployment} there (expected ${deployment}-core.json, ${deployment}-shard-….json); check --stack and the directory`);
  }
  return templates;
}
