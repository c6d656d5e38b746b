/** The loop marker only where a route watches the destination; a one-request copy everywhere else. */
import { describe, expect, it } from 'vitest';
import { LOOP_MARKER } from '../../../engine/actions/copy.ts';
import { watchedBuckets } from '../../../engine/load/watched-buckets.ts';
import { Pipeline } from '../../../engine/pipeline.ts';
import { compileRoutes, fakeWorld, s3Created } from '../pipeline/fake-world.ts';

const routes = () =>
  compileRoutes({
    'routes/ingest.yaml': `
name: ingest
source: { bucket: inbox, trigger: s3-notification }
actions:
  - copy: { id: to-outbox, to: outbox, key: "='done/' & $key" }
  - copy: { id: to-archive, to: archive, key: $key, skipExisting: true }
`,
    'routes/publish.yaml': `
name: publish
source: { bucket: outbox, prefix: incoming/, trigger: s3-notification }
actions:
  - copy: { id: forward, to: published, key: $key }
`,
  });

describe('watched buckets', () => {
  it('a bucket is watched when it is some route’s source', () => {
    const watched = watchedBuckets(routes());
    expect(['inbox', 'outbox', 'archive', 'published'].map(watched)).toEqual([true, true, false, false]);
  });

  // Watched is decided per bucket, not per key: a prefix-scoped route still gets the marker on every copy into its bucket.
  it('the copy into the watched bucket carries the marker; the one into an unwatched bucket adds no metadata at all', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'a.txt', 'a', { metadata: { origin: 'scanner' } });

    await new Pipeline({ routes: routes(), ports: world.ports }).processInput(s3Created('inbox', 'a.txt', { size: 1, eTag: '0cc175b9c0f1b6a831c399e269772661' }));

    const byBucket = new Map(world.copies.map((c) => [c.destination.bucket, c]));
    expect(byBucket.get('outbox')?.addMetadata).toEqual({ [LOOP_MARKER]: 'ingest' });
    expect(byBucket.get('archive')?.addMetadata).toBeUndefined();
    // The event's size, ETag and time serve skip-existing and the copy: no HeadObject of the source.
    expect(byBucket.get('archive')?.sourceHead).toEqual({ size: 1, eTag: '0cc175b9c0f1b6a831c399e269772661', metadata: {}, lastModified: new Date('2026-11-20T09:59:58.000Z') });
    expect(world.object('outbox', 'done/a.txt')?.metadata).toEqual({ origin: 'scanner', [LOOP_MARKER]: 'ingest' });
  });
});
