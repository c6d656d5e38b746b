/**
 * Where each finished object's copies went, kept next to the checkpoint, so that a resumed run
 * can validate the copies of its earlier attempts when the route's destinations depend on the
 * object (earlier-copies.ts says why they are recorded rather than resolved again).
 *
 * JSON lines under `<run>/copies/`, in chunks of COPIES_PER_CHUNK copies like the manifest's
 * chunks: a chunk's first line names its destinations once (bucket, writer role, KMS), every
 * other line is one copy, `[position, destination]`, with the key third only when it is not the
 * source's. The manifest position gives the source key, size and ETag. A copy keeping its key
 * costs `[1234567,0]\n`: 12 bytes in a manifest of a million objects.
 *
 * No request per object: each checkpoint save first writes the chunk still filling (and one
 * filled since the last save), then checkpoint.json, which names the chunks. A chunk is
 * rewritten while it fills, then never again. A chunk can hold copies of positions its
 * checkpoint does not count as done (a later save wrote the chunk, then the process died
 * before checkpoint.json): readers take only the done positions, which the resumed run
 * otherwise transfers and records again.
 */
import { InputError } from '../errors.ts';
import { mapLimit } from '../limiter.ts';
import { accessId } from '../ports/access-id.ts';
import type { Access, Ports } from '../ports/types.ts';
import { linesOf } from './chunked-text.ts';
import { hubWrite } from './hub-write.ts';
import type { RunLocation } from './location.ts';
import type { ManifestEntry } from './manifest-entry.ts';
import type { ExpectedCopy } from './transfer-object.ts';

/** About 120 KB a chunk keeping keys: the one still filling is rewritten at each save. */
export const COPIES_PER_CHUNK = 10_000;
const CHUNKS_READ_AT_ONCE = 8;

/** What checkpoint.json says about the records. */
export interface CopyRecords {
  /** The chunks, relative to the run's folder, oldest first. */
  chunks: string[];
  /** Objects an earlier attempt finished under a checkpoint that recorded no copies (written before copies were recorded). */
  unrecorded?: number;
}

/** A destination as a chunk's first line names it. */
interface RecordedDestination {
  bucket: string;
  access?: Access;
  kms?: true;
}

interface RecordedCopy {
  position: number;
  sourceKey: string;
  copy: ExpectedCopy;
}

interface Chunk {
  name: string;
  /** Emptied once the chunk is full and written: it is never written again. */
  copies: RecordedCopy[];
  /** How many of `copies` the stored chunk holds. */
  saved: number;
  closed: boolean;
}

export class CopyRecorder {
  private readonly chunks: Chunk[] = [];

  constructor(
    private readonly ports: Ports,
    private readonly location: RunLocation,
    /** Names this attempt's chunks apart from earlier attempts'. */
    private readonly attempt: string,
    /** The records of earlier attempts, carried on. */
    private readonly earlier: CopyRecords = { chunks: [] },
    private readonly perChunk = COPIES_PER_CHUNK,
  ) {}

  add(position: number, sourceKey: string, copies: readonly ExpectedCopy[]): void {
    for (const copy of copies) {
      let open = this.chunks.at(-1);
      if (!open || open.closed || open.copies.length >= this.perChunk) {
        open = { name: `copies/${this.attempt}-${String(this.chunks.length).padStart(4, '0')}.jsonl`, copies: [], saved: 0, closed: false };
        this.chunks.push(open);
      }
      open.copies.push({ position, sourceKey, copy });
    }
  }

  /**
   * Writes the chunks that changed since the last save and answers what checkpoint.json is to
   * say. The chunks' content is taken when this is called, so a checkpoint taken at the same
   * moment counts exactly the positions they hold.
   */
  save(): Promise<CopyRecords> {
    const changed = this.chunks.filter((c) => !c.closed && c.copies.length > c.saved).map((chunk) => ({ chunk, saved: chunk.copies.length, body: chunkBody(chunk.copies) }));
    const records: CopyRecords = { chunks: [...this.earlier.chunks, ...this.chunks.map((c) => c.name)], ...(this.earlier.unrecorded ? { unrecorded: this.earlier.unrecorded } : {}) };
    return this.write(changed).then(() => records);
  }

  private async write(changed: Array<{ chunk: Chunk; saved: number; body: string }>): Promise<void> {
    for (const { chunk, saved, body } of changed) {
      await this.ports.storage.put(this.location.bucket, `${this.location.prefix}${chunk.name}`, body, 'application/x-ndjson');
      chunk.saved = saved;
      if (saved >= this.perChunk) {
        chunk.closed = true;
        chunk.copies = [];
      }
    }
  }
}

function chunkBody(copies: readonly RecordedCopy[]): string {
  const destinations: RecordedDestination[] = [];
  const ids = new Map<string, number>();
  const lines = copies.map(({ position, sourceKey, copy }) => {
    const id = `${copy.bucket}\u0000${accessId(copy.access)}\u0000${copy.kms === true}`;
    let destination = ids.get(id);
    if (destination === undefined) {
      destination = destinations.length;
      ids.set(id, destination);
      destinations.push({ bucket: copy.bucket, ...(copy.access ? { access: copy.access } : {}), ...(copy.kms ? { kms: true } : {}) });
    }
    return JSON.stringify(copy.key === sourceKey ? [position, destination] : [position, destination, copy.key]);
  });
  return `${JSON.stringify({ destinations })}\n${lines.join('\n')}\n`;
}

/** The recorded copies of the positions `done` counts, each with its object's size and ETag from the manifest. */
export async function readCopyRecords(ports: Ports, location: RunLocation, records: CopyRecords, entries: readonly ManifestEntry[], done: Uint8Array): Promise<ExpectedCopy[]> {
  const perChunk = await mapLimit(records.chunks, CHUNKS_READ_AT_ONCE, async (name) => {
    const key = `${location.prefix}${name}`;
    const bytes = await hubWrite(ports, () => ports.storage.getBody({ bucket: location.bucket, key }));
    return copiesIn(bytes, `s3://${location.bucket}/${key}`, entries, done);
  });
  return perChunk.flat();
}

function copiesIn(bytes: Buffer, uri: string, entries: readonly ManifestEntry[], done: Uint8Array): ExpectedCopy[] {
  const lines = linesOf(bytes);
  const header = lines.next();
  const destinations = header.done ? [] : (JSON.parse(header.value) as { destinations?: RecordedDestination[] }).destinations;
  if (!Array.isArray(destinations)) throw new InputError('SY312', `${uri} is not a record of copies: its first line names no destinations`);
  const copies: ExpectedCopy[] = [];
  for (const line of lines) {
    const [position, at, key] = JSON.parse(line) as [number, number, string?];
    const destination = destinations[at];
    const entry = entries[position];
    if (!destination || !entry) throw new InputError('SY312', `${uri}: '${line}' names no destination or manifest position of this run`);
    if (done[position] !== 1) continue;
    copies.push({
      bucket: destination.bucket,
      key: key ?? entry.key,
      ...(destination.access ? { access: destination.access } : {}),
      size: entry.size,
      eTag: entry.eTag,
      ...(destination.kms ? { kms: true } : {}),
    });
  }
  return copies;
}
