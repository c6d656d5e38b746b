/**
 * A run's progress, saved every couple of seconds next to its manifest (`checkpoint.json`), so
 * that `backfill --resume` after a crash or `kill -9` carries on where the run was: positions
 * in the manifest that finished (copied or skipped) are not looked at again. Objects that were
 * in flight at the kill are not in the checkpoint; the resumed run's destination listing finds
 * the ones that did arrive, so nothing is copied twice and nothing is missed. For a route whose
 * destinations depend on the object, each save first writes where the finished objects' copies
 * went (copy-records.ts), so that the resumed run's validation covers them too.
 */
import { errorMessage } from '../errors.ts';
import type { Ports } from '../ports/types.ts';
import type { Log } from '../report/log.ts';
import type { CopyRecorder, CopyRecords } from './copy-records.ts';
import type { RunLocation } from './location.ts';
import type { ExpectedCopy } from './transfer-object.ts';

export const CHECKPOINT_INTERVAL_MS = 2000;

export interface Checkpoint {
  runId: string;
  manifest: string;
  /** Objects in the manifest. */
  total: number;
  /** Objects the listing left out (the manifest holds only the others): the resumed run's report counts them. */
  excluded?: number;
  /** Every position below this one is done … */
  doneBelow: number;
  /**
   * … and so are these ranges above it (`[first, end)`): one failed object early on keeps
   * `doneBelow` low, and a list of every position after it would grow with the run.
   */
  doneRanges?: Array<[number, number]>;
  /** Single positions, as checkpoints written before doneRanges list them (read, never written). */
  done?: number[];
  counts: { copied: number; skipped: number; bytes: number };
  /** Where the done objects' copies went, for routes whose destinations depend on the object (absent for fixed destinations). */
  copies?: CopyRecords;
  savedAt: string;
}

/** How one object ended, as the checkpoint needs it (ObjectOutcome). */
export interface FinishedObject {
  status: 'copied' | 'skipped' | 'failed';
  bytes: number;
  entry: { key: string };
  /** Where it is now (or already was): recorded where the route's destinations depend on the object. */
  copies: readonly ExpectedCopy[];
}

export function checkpointKey(location: RunLocation): string {
  return `${location.prefix}checkpoint.json`;
}

export async function readCheckpoint(ports: Ports, location: RunLocation): Promise<Checkpoint | undefined> {
  const head = await ports.storage.head({ bucket: location.bucket, key: checkpointKey(location) });
  if (!head) return undefined;
  return JSON.parse((await ports.storage.getBody({ bucket: location.bucket, key: checkpointKey(location) })).toString('utf8')) as Checkpoint;
}

/** Which manifest positions a checkpoint counts as done. */
export function donePositions(checkpoint: Checkpoint | undefined, total: number): Uint8Array {
  const done = new Uint8Array(total);
  if (!checkpoint) return done;
  done.fill(1, 0, Math.min(checkpoint.doneBelow, total));
  for (const [first, end] of checkpoint.doneRanges ?? []) done.fill(1, Math.min(first, total), Math.min(end, total));
  for (const position of checkpoint.done ?? []) if (position < total) done[position] = 1;
  return done;
}

/** The done positions at or above `from`, as `[first, end)` ranges. */
export function doneRanges(doneAt: Uint8Array, from: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let first = -1;
  for (let p = from; p <= doneAt.length; p++) {
    const done = p < doneAt.length && doneAt[p] === 1;
    if (done && first < 0) first = p;
    else if (!done && first >= 0) {
      ranges.push([first, p]);
      first = -1;
    }
  }
  return ranges;
}

export class CheckpointRecorder {
  private readonly doneAt: Uint8Array;
  private doneBelow = 0;
  private readonly counts: Checkpoint['counts'];
  private dirty = false;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ports: Ports,
    private readonly location: RunLocation,
    private readonly run: { runId: string; manifest: string; total: number; excluded?: number },
    private readonly log: Log,
    previous?: Checkpoint,
    /** Records each done object's copies (copy-records.ts); none where the route's fixed destinations say where they are. */
    private readonly copies?: CopyRecorder,
  ) {
    this.doneAt = donePositions(previous, run.total);
    this.counts = { ...(previous?.counts ?? { copied: 0, skipped: 0, bytes: 0 }) };
    this.advance();
  }

  /** Starts saving every `intervalMs` while anything changed. */
  start(intervalMs = CHECKPOINT_INTERVAL_MS): void {
    this.timer = setInterval(() => void this.save(), intervalMs);
    this.timer.unref();
  }

  finished(position: number, outcome: FinishedObject): void {
    if (outcome.status === 'failed') return;
    this.doneAt[position] = 1;
    this.copies?.add(position, outcome.entry.key, outcome.copies);
    this.counts[outcome.status]++;
    this.counts.bytes += outcome.bytes;
    this.dirty = true;
    this.advance();
  }

  /** Stops the timer and saves what is left to save. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.writing;
    await this.save();
  }

  private advance(): void {
    while (this.doneBelow < this.doneAt.length && this.doneAt[this.doneBelow] === 1) this.doneBelow++;
  }

  private async save(): Promise<void> {
    if (!this.dirty || this.writing) return;
    this.dirty = false;
    const checkpoint: Checkpoint = { ...this.run, doneBelow: this.doneBelow, doneRanges: doneRanges(this.doneAt, this.doneBelow), counts: { ...this.counts }, savedAt: this.ports.clock.now().toISOString() };
    // Taken in the same tick as the positions above, and written before the checkpoint that names them.
    const copies = this.copies?.save();
    this.writing = (async () => {
      if (copies) checkpoint.copies = await copies;
      await this.ports.storage.put(this.location.bucket, checkpointKey(this.location), JSON.stringify(checkpoint), 'application/json');
    })()
      .catch((error: unknown) => {
        // A lost checkpoint costs a resumed run some re-checking, never a wrong copy: carry on.
        this.dirty = true;
        this.log.write('warn', `checkpoint not saved: ${errorMessage(error)}`, { runId: this.run.runId });
      })
      .finally(() => {
        this.writing = undefined;
      });
    await this.writing;
  }
}
