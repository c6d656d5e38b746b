/** When the destination already holds the source's content: the listing-diff rule, case by case. */
import { describe, expect, it } from 'vitest';
import { sameContent, type ContentFacts } from '../../../engine/actions/same-content.ts';

const source: ContentFacts = { size: 10, eTag: 'aaa', lastModified: '2026-11-01T00:00:00.000Z' };
const later = '2026-11-02T00:00:00.000Z';
const earlier = '2026-10-01T00:00:00.000Z';

const cases: Array<{ proves: string; source?: ContentFacts; destination: ContentFacts; kms?: boolean; same: boolean }> = [
  { proves: 'same size and ETag is the same content', destination: { size: 10, eTag: 'aaa' }, same: true },
  { proves: 'another size is never the same', destination: { size: 11, eTag: 'aaa' }, same: false },
  { proves: 'another single-part ETag, no KMS: different content, even if written later', destination: { size: 10, eTag: 'bbb', lastModified: later }, same: false },
  { proves: "the source's ETag recorded on a multipart copy decides", destination: { size: 10, eTag: 'ccc-2', metadata: { 'switchyard-source-etag': 'aaa' } }, same: true },
  { proves: 'a recorded source ETag that differs is a different version', destination: { size: 10, eTag: 'ccc-2', lastModified: later, metadata: { 'switchyard-source-etag': 'old' } }, same: false },
  { proves: 'SSE-KMS destination: same size written after the source changed counts as copied', destination: { size: 10, eTag: 'kms', lastModified: later }, kms: true, same: true },
  { proves: 'SSE-KMS destination written before the source changed is stale', destination: { size: 10, eTag: 'kms', lastModified: earlier }, kms: true, same: false },
  { proves: 'multipart source ETag against a single-part copy: modification time decides', source: { size: 10, eTag: 'aaa-3', lastModified: earlier }, destination: { size: 10, eTag: 'ddd', lastModified: later }, same: true },
  { proves: 'without modification times the layout case cannot be told: copy again', destination: { size: 10, eTag: 'kms' }, kms: true, same: false },
];

describe('sameContent', () => {
  for (const c of cases) {
    it(c.proves, () => {
      expect(sameContent(c.source ?? source, c.destination, { kms: c.kms === true }) !== undefined).toBe(c.same);
    });
  }
});
