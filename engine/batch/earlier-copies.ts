/**
 * A resumed run validates the whole run: the copies its earlier attempts made or found are
 * counted and sampled with its own, for every kind of route.
 * - Destinations fixed (seed 003, fixedDestinations): every finished object is at each of them
 *   under its own key. Nothing needs recording.
 * - Destinations that depend on the object (a JSONata or lookup-driven bucket or key, tag or
 *   `when` conditions): the copies the earlier attempts recorded with their checkpoints
 *   (copy-records.ts).
 *
 * Why record rather than resolve the earlier objects again at validation time: resolving
 * costs, per object, what the first resolution cost (GetObjectTagging for tag conditions,
 * GetObject for `$objectJson`, SSM and table reads), a million requests for a million
 * objects. And it answers where the route sends an object now: an SSM parameter or lookup
 * table edited between the attempts would send the validation to buckets no copy was made
 * in, and miss the ones they were. The record says where each copy was made, for about 12
 * bytes a copy written with the checkpoint, never a request per object.
 */
import { randomBytes } from 'node:crypto';
import type { CompiledRoute } from '../load/compiled-route.ts';
import type { Ports } from '../ports/types.ts';
import type { Checkpoint } from './checkpoint.ts';
import { CopyRecorder, readCopyRecords } from './copy-records.ts';
import type { RunLocation } from './location.ts';
import type { ManifestEntry } from './manifest-entry.ts';
import { fixedDestinations } from './static-destinations.ts';
import { copyAt, type ExpectedCopy } from './transfer-object.ts';
import type { EarlierAttemptsCoverage } from './validate.ts';

/**
 * The recorder of this attempt's copies, or undefined where the route's fixed destinations say
 * where they are. A run that recorded once goes on recording (its route may have been edited to
 * fixed destinations since: the records of its earlier copies still hold).
 */
export function copyRecorderFor(route: CompiledRoute, ports: Ports, location: RunLocation, previous: Checkpoint | undefined, done: Uint8Array, started: Date): CopyRecorder | undefined {
  if (previous?.copies === undefined && fixedDestinations(route) !== undefined) return undefined;
  const finished = count(done);
  const earlier = previous?.copies ?? { chunks: [], ...(finished > 0 ? { unrecorded: finished } : {}) };
  // Sorted by start time, and apart from an earlier attempt's chunks even on a clock that did not move.
  const attempt = `${started.getTime().toString(36)}-${randomBytes(2).toString('hex')}`;
  return new CopyRecorder(ports, location, attempt, earlier);
}

/** The copies of the positions earlier attempts finished (`done`), and how many objects they cover. */
export async function copiesOfEarlierAttempts(
  route: CompiledRoute,
  ports: Ports,
  location: RunLocation,
  previous: Checkpoint | undefined,
  entries: readonly ManifestEntry[],
  done: Uint8Array,
): Promise<{ copies: ExpectedCopy[]; coverage: EarlierAttemptsCoverage }> {
  const finished = count(done);
  if (previous?.copies) {
    const copies = await readCopyRecords(ports, location, previous.copies, entries, done);
    const unrecorded = previous.copies.unrecorded ?? 0;
    return { copies, coverage: { objects: finished - unrecorded, copies: copies.length, unrecorded } };
  }
  const fixed = fixedDestinations(route);
  if (!fixed) return { copies: [], coverage: { objects: 0, copies: 0, unrecorded: finished } };
  const copies: ExpectedCopy[] = [];
  entries.forEach((entry, position) => {
    if (done[position] === 1) for (const destination of fixed) copies.push(copyAt(destination, entry));
  });
  return { copies, coverage: { objects: finished, copies: copies.length, unrecorded: 0 } };
}

function count(done: Uint8Array): number {
  let n = 0;
  for (const d of done) n += d;
  return n;
}
