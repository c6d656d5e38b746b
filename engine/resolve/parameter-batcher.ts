/**
 * Collects SSM parameter names asked for in the same tick and fetches them together, so
 * concurrent lookups share GetParameters calls (10 names per call, done by the port).
 */
import type { ParameterPort } from '../ports/types.ts';

export class ParameterBatcher {
  private pending = new Map<string, Array<{ resolve: (v: string | undefined) => void; reject: (e: unknown) => void }>>();
  private scheduled = false;

  constructor(private readonly port: ParameterPort) {}

  get(name: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(name) ?? [];
      waiters.push({ resolve, reject });
      this.pending.set(name, waiters);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    try {
      const values = await this.port.getParameters([...batch.keys()]);
      for (const [name, waiters] of batch) for (const w of waiters) w.resolve(values.get(name));
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
    }
  }
}
