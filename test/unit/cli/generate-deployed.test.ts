/**
 * `generate --deployed DIR` keeps the logical ids the deployed templates hold, as deploy does
 * (docs/sharding.md): a bucket added next to a deployed one whose name drops to the same letters
 * and digits does not take the deployed one's ids (which CloudFormation would answer by replacing
 * its queues).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCommand } from '../../../cli/commands/generate.ts';
import { capture } from '../../support/captured-output.ts';

const route = (name: string, bucket: string): string => `name: ${name}
source: { bucket: ${bucket}, trigger: s3-notification }
allow: { buckets: [archive] }
actions:
  - copy: { id: keep, to: archive, key: $key }
`;

function workspace(): { dir: string; routes: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-deployed-'));
  const routes = path.join(dir, 'routes');
  mkdirSync(routes);
  writeFileSync(path.join(routes, 'r-one.yaml'), route('r-one', 'data-1x'));
  return { dir, routes };
}

const common = { stackName: 'gd', account: '123456789012', region: 'eu-west-1' };

/** Intake queue logical id → its queue name, in the shard's template. */
function intakeQueues(out: string): Record<string, unknown> {
  const resources = (JSON.parse(readFileSync(path.join(out, 'gd-shard-0.json'), 'utf8')) as { Resources: Record<string, { Properties?: { QueueName?: unknown } }> }).Resources;
  return Object.fromEntries(Object.entries(resources).filter(([id]) => id.endsWith('NotificationQueue')).map(([id, r]) => [id, r.Properties?.QueueName]));
}

describe('generate --deployed', () => {
  it("keeps a deployed bucket's ids when a bucket whose name drops to the same stem is added; without it the new one takes them", () => {
    const { dir, routes } = workspace();
    const deployed = path.join(dir, 'deployed');
    expect(generateCommand({ routes, out: deployed, ...common }, capture())).toBe(0);
    expect(intakeQueues(deployed)).toEqual({ Data1xNotificationQueue: 'gd-shard-0-data-1x-events' });
    writeFileSync(path.join(routes, 'r-two.yaml'), route('r-two', 'data1x'));

    const alone = path.join(dir, 'alone');
    expect(generateCommand({ routes, out: alone, ...common }, capture())).toBe(0);
    expect(intakeQueues(alone).Data1xNotificationQueue).toBe('gd-shard-0-data1x-events');

    const io = capture();
    const kept = path.join(dir, 'kept');
    expect(generateCommand({ routes, out: kept, ...common, deployed }, io)).toBe(0);
    expect(intakeQueues(kept).Data1xNotificationQueue).toBe('gd-shard-0-data-1x-events');
    expect(Object.values(intakeQueues(kept)).sort()).toEqual(['gd-shard-0-data-1x-events', 'gd-shard-0-data1x-events']);
    expect(io.err).toContain(`switchyard generate: keeping the logical ids of 2 deployed templates from ${deployed} (gd-core, gd-shard-0)`);
  });

  it('says what is wrong with the directory, and writes nothing', () => {
    const { dir, routes } = workspace();
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const broken = path.join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'gd-core.json'), '{ not json');
    const cases: Array<[string, string]> = [
      [path.join(dir, 'missing'), `--deployed ${path.join(dir, 'missing')}: no such directory`],
      [empty, `--deployed ${empty}: no template of deployment gd there (expected gd-core.json, gd-shard-….json); check --stack and the directory [SY208]`],
      [broken, `${path.join(broken, 'gd-core.json')}: not a CloudFormation template in JSON`],
    ];
    for (const [deployed, message] of cases) {
      const io = capture();
      const out = path.join(dir, 'out');
      expect(generateCommand({ routes, out, ...common, deployed }, io)).toBe(1);
      expect(io.err.join('\n')).toContain(message);
      expect(io.out).toEqual([]);
    }
  });
});
