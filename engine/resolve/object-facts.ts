/**
 * What an event's object looks like beyond the event itself (tags, body, head), read at most
 * once per event however many routes and expressions ask.
 */
import type { ObjectEvent } from '../events/object-event.ts';
import type { Access, ObjectHead, StoragePort } from '../ports/types.ts';

export class ObjectFacts {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly event: ObjectEvent,
    private readonly storage: StoragePort,
  ) {}

  private once<T>(what: string, access: Access | undefined, load: () => Promise<T>): Promise<T> {
    const id = `${what}:${access?.roleArn ?? ''}`;
    let value = this.memo.get(id) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.memo.set(id, value);
    }
    return value;
  }

  private get ref() {
    return { bucket: this.event.bucket, key: this.event.key, ...(this.event.versionId ? { versionId: this.event.versionId } : {}) };
  }

  tags(access?: Access): Promise<Record<string, string>> {
    return this.once('tags', access, () => this.storage.getTags(this.ref, access));
  }

  body(access?: Access): Promise<Buffer> {
    return this.once('body', access, () => this.storage.getBody(this.ref, access));
  }

  head(access?: Access): Promise<ObjectHead | undefined> {
    return this.once('head', access, () => this.storage.head(this.ref, access));
  }
}
