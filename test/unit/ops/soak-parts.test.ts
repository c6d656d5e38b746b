/**
 * The soak's own arithmetic: the fault mix adds up to the asked share of requests, and EMF lines
 * become the data points CloudWatch would extract from them.
 */
import { describe, expect, it } from 'vitest';
import { FAULT_MIX, faultRules } from '../../../bench/soak/faults.ts';
import { metricData, parseEmf } from '../../../bench/soak/emf.ts';
import { countResults, emfLine } from '../../../engine/report/metrics.ts';

describe('faultRules', () => {
  it.each([0.2, 0.25, 0.3])('faults %f of the requests of each service, split as FAULT_MIX says', (rate) => {
    for (const service of ['s3', 'sqs']) {
      const applicable = faultRules(rate).filter((r) => r.header === undefined || r.header.value?.test(`AWS4-HMAC-SHA256 Credential=x/20261130/us-east-1/${service}/aws4_request`));
      expect(applicable).toHaveLength(FAULT_MIX.length);
      let untouched = 1;
      const shares = applicable.map((r) => {
        const share = untouched * (r.probability ?? 0);
        untouched -= share;
        return share;
      });
      expect(1 - untouched).toBeCloseTo(rate, 10);
      expect(shares.map((s) => s / rate)).toEqual(FAULT_MIX.map((m) => expect.closeTo(m.share, 10)));
    }
  });
});

describe('parseEmf', () => {
  it("reads the router's own EMF line back into per-route data points", () => {
    const counts = countResults([], 0, true);
    const line = emfLine('global-builds', { ...counts, copied: 2, retried: 3 }, true, new Date('2026-11-30T10:00:00Z'));
    const record = parseEmf(line);
    expect(record).toMatchObject({ namespace: 'Switchyard', dimensions: { Route: 'global-builds' } });
    const data = Object.fromEntries(metricData(record ?? { namespace: '', timestamp: new Date(), dimensions: {}, values: {} }).map((d) => [d.metric, d.value]));
    expect(data).toMatchObject({ Copied: 2, Retried: 3, FailedEvents: 1 });
    expect(parseEmf('{"level":"info","message":"copy succeeded"}')).toBeUndefined();
  });
});
