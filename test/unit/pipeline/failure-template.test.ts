/**
 * routes/templates/copy-failure.hbs (seeds 000 and 002) tells the reader what to do, and that
 * depends on whether the event failed: a partial failure was not dead-lettered, and the replay
 * of its failure records re-drives exactly the failed destinations (a backfill by key prefix
 * would also take `in/a.bin.bak`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../engine/pipeline.ts';
import { compileRoutes, fakeWorld } from './fake-world.ts';

const template = readFileSync(new URL('../../../routes/templates/copy-failure.hbs', import.meta.url), 'utf8');
const routes = compileRoutes({
  'routes/fan-out.yaml': `
name: fan-out
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: fan, to: $destinationBuckets, key: $key, retry: { retries: 0 } }
failWhen: all
notify:
  onFailure: { sns: fan-out-failures, template: templates/copy-failure.hbs }
`,
  'routes/templates/copy-failure.hbs': template,
});

const cases = [
  {
    proves: 'a partial failure says nothing was dead-lettered and points at replay of the failed destinations',
    broken: ['out-b'],
    says: ['nothing was dead-lettered', 'switchyard replay --route fan-out', 'only the failed\ndestinations'],
    never: ['re-drive the event from the dead-letter queue', 'backfill', '--prefix'],
  },
  {
    proves: 'a failed event says it is delivered again, then dead-lettered, and points at replay',
    broken: ['out-a', 'out-b'],
    says: ['The event failed', 'dead-lettered', 'switchyard replay --route fan-out'],
    never: ['nothing was dead-lettered', 'backfill', '--prefix'],
  },
];

describe('the copy-failure notification template', () => {
  it.each(cases)('$proves', async ({ broken, says, never }) => {
    const world = fakeWorld();
    world.putObject('inbox', 'in/a.bin', 'bytes');
    world.faults.push({ operation: 'copy', target: (b) => broken.includes(b), times: 99, code: 'AccessDenied', failureClass: 'access-denied' });
    const pipeline = new Pipeline({ routes, ports: world.ports, stateBucket: 'state' });

    await pipeline.processInput({ sourceBucket: 'inbox', sourceKey: 'in/a.bin', destinationBuckets: ['out-a', 'out-b'] });

    expect(world.published).toHaveLength(1);
    const message = world.published[0]?.message ?? '';
    for (const text of says) expect(message).toContain(text);
    for (const text of never) expect(message).not.toContain(text);
  });
});
