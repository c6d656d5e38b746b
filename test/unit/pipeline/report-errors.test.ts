/** An error while reporting one record (after its actions ran) fails that record only, never its SQS batch. */
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../engine/pipeline.ts';
import { memoryLog } from '../../../engine/report/log.ts';
import { compileTemplate } from '../../../engine/templates.ts';
import { compileRoutes, fakeWorld, s3Created, sqsBatch } from './fake-world.ts';

const [compiled] = compileRoutes({
  'routes/split.yaml': `
name: split
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: send, to: "=$contains($key, 'bad') ? 'out-bad' : 'out-good'", key: $key, retry: { retries: 0 } }
notify:
  onFailure: { sns: split-failures }
`,
});
if (!compiled) throw new Error('route split did not compile');

/** A route set bundled before validate checked helpers: its failure template throws `Missing helper` when rendered. */
const unrenderable = { ...compiled, failureTemplate: compileTemplate('{{formatDate object.eventTime "YYYY"}}', false) };

function batchOfTwo() {
  return sqsBatch([
    { messageId: 'm-bad', body: JSON.stringify(s3Created('inbox', 'bad.bin')) },
    { messageId: 'm-good', body: JSON.stringify(s3Created('inbox', 'good.bin')) },
  ]);
}

describe('an error while reporting one record', () => {
  it('fails only that record: the batch answers with its id alone, the other record is processed', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'bad.bin', 'x');
    world.putObject('inbox', 'good.bin', 'y');
    world.faults.push({ operation: 'copy', target: (b) => b === 'out-bad', times: 99, code: 'AccessDenied', failureClass: 'access-denied' });
    const log = memoryLog();
    const pipeline = new Pipeline({ routes: [unrenderable], ports: world.ports, log });

    const report = await pipeline.processInput(batchOfTwo());

    expect(report.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad' }]);
    expect(report.records.map((r) => [r.recordId, r.status])).toEqual([
      ['m-bad', 'failed'],
      ['m-good', 'processed'],
    ]);
    expect(report.records[0]?.events[0]?.routes[0]?.error).toMatchObject({ code: 'ReportFailed', message: expect.stringContaining('Missing helper') });
    expect(world.object('out-good', 'good.bin')?.body.toString()).toBe('y');
    const line = log.lines.find((l) => l.fields.code === 'ReportFailed');
    expect(line).toMatchObject({ level: 'error', fields: { route: 'split', key: 'bad.bin' } });
    expect(line?.message).toContain("switchyard replay --route split");
  });

  it('a failure that reports without trouble is not touched by the guard', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'bad.bin', 'x');
    world.faults.push({ operation: 'copy', target: (b) => b === 'out-bad', times: 99, code: 'AccessDenied', failureClass: 'access-denied' });
    const pipeline = new Pipeline({ routes: [compiled], ports: world.ports });

    const report = await pipeline.processInput(batchOfTwo());

    expect(report.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad' }]);
    expect(report.records[0]?.events[0]?.routes[0]?.error).toBeUndefined();
    expect(world.published).toHaveLength(1);
  });
});
