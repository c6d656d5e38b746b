/**
 * A small run of the fault soak (bench/soak.ts runs the same code with 1,000 events): the seed
 * routes deployed to moto, the deployed function's own zip run as Lambda runs it behind the
 * fault proxy (≥ 20 % of its requests faulted: 503, 500, resets before and after forwarding,
 * slow answers), 10 % of events delivered twice. Nothing may be missing without a dead-lettered
 * event or a failure record, and no message or email may repeat unless the response to that
 * very send was lost.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak/run-soak.ts';

describe('fault soak (small)', () => {
  it('60 events under 25 % faults: nothing lost, no unexplained duplicate, every copy with its bytes, tags and metadata', async () => {
    // An invocation held up by slow answers may run to its 60 s timeout before its batch is retried, so
    // the queues get three minutes to drain (a busy CI machine needed more than one).
    const report = await runSoak({ events: 60, faultRate: 0.25, seed: 7, drainTimeoutMs: 180_000, progress: (line) => process.stderr.write(`soak: ${line}\n`) });

    expect(report.problems).toEqual([]);
    expect(report.events).toBe(60);
    expect(report.faultsInjected / report.requests).toBeGreaterThanOrEqual(0.2);
    expect(report.deliveredTwice).toBeGreaterThan(0);
    expect(report.lostResponses).toBeGreaterThan(0);
    expect(report.lost).toBe(0);
    expect(report.duplicates).toBe(0);
    // Copies that did not land are accounted for by a dead-lettered event or a failure record (check.ts).
    expect(report.copies).toBeGreaterThan(30);
  }, 360_000);
});
