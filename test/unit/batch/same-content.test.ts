/** When the destination already holds the source's content: the listing-diff rule and the checksum check, case by case. */
import { describe, expect, it } from 'vitest';
import { compareChecksums, confirmByChecksum, contentOptionsFor, encryptionUnknown, sameContent, SIZE_AND_TIME, type ContentFacts } from '../../../engine/actions/same-content.ts';
import type { ObjectChecksums, ObjectHeadWithChecksums, StoragePort } from '../../../engine/ports/types.ts';

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
  { proves: 'a HeadObject saying SSE-KMS (a bucket default the route does not name): size and time decide', destination: { size: 10, eTag: 'kms', lastModified: later, encryption: 'aws:kms' }, same: true },
  { proves: 'DSSE-KMS is SSE-KMS too', destination: { size: 10, eTag: 'kms', lastModified: later, encryption: 'aws:kms:dsse' }, same: true },
  { proves: 'SSE-S3 keeps ETags: another ETag is other content', destination: { size: 10, eTag: 'bbb', lastModified: later, encryption: 'AES256' }, same: false },
];

describe('sameContent', () => {
  for (const c of cases) {
    it(c.proves, () => {
      expect(sameContent(c.source ?? source, c.destination, { kms: c.kms === true }) !== undefined).toBe(c.same);
    });
  }
});

describe('contentOptionsFor', () => {
  it('SSE-KMS on either side, as the route names it, means ETags cannot match', () => {
    expect(contentOptionsFor({})).toEqual({ kms: false });
    expect(contentOptionsFor({ kmsKey: 'k' })).toEqual({ kms: true });
    expect(contentOptionsFor({ sourceKmsKey: 'k' })).toEqual({ kms: true });
  });
});

describe('encryptionUnknown: when a listing pair is worth a HeadObject before the copy', () => {
  const cases: Array<{ proves: string; destination: ContentFacts; kms?: boolean; worth: boolean }> = [
    { proves: 'same size, other ETag, nothing known: a bucket-default KMS key may explain it', destination: { size: 10, eTag: 'bbb' }, worth: true },
    { proves: 'another size is other content whatever the encryption', destination: { size: 11, eTag: 'bbb' }, worth: false },
    { proves: 'the same ETag needs no HeadObject', destination: { size: 10, eTag: 'aaa' }, worth: false },
    { proves: 'the route names the key: size and time already decided', destination: { size: 10, eTag: 'bbb' }, kms: true, worth: false },
    { proves: 'a multipart ETag: size and time already decided', destination: { size: 10, eTag: 'bbb-2' }, worth: false },
    { proves: 'the encryption is known (a HeadObject answered): nothing more to learn', destination: { size: 10, eTag: 'bbb', encryption: 'AES256' }, worth: false },
  ];
  for (const c of cases) it(c.proves, () => expect(encryptionUnknown(source, c.destination, { kms: c.kms === true })).toBe(c.worth));
});

const full = (values: ObjectChecksums['values']): ObjectChecksums => ({ type: 'FULL_OBJECT', values });
const composite = (values: ObjectChecksums['values']): ObjectChecksums => ({ type: 'COMPOSITE', values });

describe('compareChecksums', () => {
  const comparisons: Array<{ proves: string; source: ObjectChecksums; destination: ObjectChecksums; verdict: boolean | undefined }> = [
    { proves: 'equal full-object checksums are the same content, whatever the part layout', source: full({ CRC32: 'vUKbMg==' }), destination: full({ CRC32: 'vUKbMg==' }), verdict: true },
    { proves: 'different full-object checksums are different content', source: full({ CRC32: 'vUKbMg==' }), destination: full({ CRC32: 'AAAAAA==' }), verdict: false },
    { proves: 'the algorithm both have decides: CRC64NVME on one side only is passed over for their shared SHA256', source: full({ CRC64NVME: 'x', SHA256: 's' }), destination: full({ SHA256: 's' }), verdict: true },
    { proves: 'no algorithm in common cannot tell', source: full({ CRC32: 'a' }), destination: full({ CRC32C: 'a' }), verdict: undefined },
    { proves: 'no checksums at all cannot tell', source: { values: {} }, destination: full({ CRC32: 'a' }), verdict: undefined },
    { proves: 'equal composite checksums are the same parts, so the same content', source: composite({ CRC32: 'abc-3' }), destination: composite({ CRC32: 'abc-3' }), verdict: true },
    { proves: 'unequal composite checksums may be the same content cut differently: cannot tell', source: composite({ CRC32: 'abc-3' }), destination: composite({ CRC32: 'def-2' }), verdict: undefined },
    { proves: 'a composite against a full-object checksum cannot tell', source: composite({ CRC32: 'abc-3' }), destination: full({ CRC32: 'abc' }), verdict: undefined },
    { proves: 'without a type, a value without -N is of the whole object (emulators leave the type out)', source: { values: { CRC32: 'a' } }, destination: full({ CRC32: 'b' }), verdict: false },
  ];
  for (const c of comparisons) {
    it(c.proves, () => {
      expect(compareChecksums(c.source, c.destination)?.same).toBe(c.verdict);
    });
  }
});

describe('confirmByChecksum', () => {
  /** Only `headWithChecksums` is called; anything else would throw. */
  const storageWith = (byKey: Record<string, ObjectHeadWithChecksums | undefined>): StoragePort & { asked: string[] } => {
    const asked: string[] = [];
    const port = { asked, headWithChecksums: async (ref: { key: string }) => (asked.push(ref.key), byKey[ref.key]) };
    return port as unknown as StoragePort & { asked: string[] };
  };
  const kms = { kms: true };
  const facts: ContentFacts = { size: 10, eTag: 'aaa', lastModified: '2026-11-01T00:00:00.000Z' };
  const src = { ref: { bucket: 'src', key: 's' }, facts };
  const dst = { ref: { bucket: 'dst', key: 'd' } };
  /** What a listing showed: same size, an ETag of its own (SSE-KMS), written later. */
  const copyHead = (checksums: ObjectChecksums, metadata: Record<string, string> = {}): ObjectHeadWithChecksums => ({ size: 10, eTag: 'kms', lastModified: new Date(later), metadata, checksums });
  const sourceHead = (checksums: ObjectChecksums): ObjectHeadWithChecksums => ({ size: 10, eTag: 'aaa', lastModified: new Date(facts.lastModified as string), metadata: {}, checksums });

  it('the source ETag recorded on the destination decides, without reading the source', async () => {
    const storage = storageWith({ d: copyHead({ values: {} }, { 'switchyard-source-etag': 'aaa' }) });
    expect(await confirmByChecksum(storage, src, dst, kms)).toBe("same size and the source's ETag recorded on the copy");
    expect(storage.asked).toEqual(['d']);
  });

  it('a recorded source ETag that differs: copied, without reading the source', async () => {
    const storage = storageWith({ d: copyHead(full({ CRC32: 'a' }), { 'switchyard-source-etag': 'old' }) });
    expect(await confirmByChecksum(storage, src, dst, kms)).toBeUndefined();
    expect(storage.asked).toEqual(['d']);
  });

  it('equal full-object checksums: skipped, by the checksum', async () => {
    const storage = storageWith({ s: sourceHead(full({ CRC32: 'a' })), d: copyHead(full({ CRC32: 'a' })) });
    expect(await confirmByChecksum(storage, src, dst, kms)).toBe('same size and full-object CRC32 checksum');
    expect(storage.asked).toEqual(['d', 's']);
  });

  it('different full-object checksums: copied (the false skip size and time would make)', async () => {
    expect(await confirmByChecksum(storageWith({ s: sourceHead(full({ CRC32: 'a' })), d: copyHead(full({ CRC32: 'b' })) }), src, dst, kms)).toBeUndefined();
  });

  it('checksums that cannot tell: size and time stand, and the reason says so', async () => {
    expect(await confirmByChecksum(storageWith({ s: sourceHead({ values: {} }), d: copyHead(full({ CRC32: 'b' })) }), src, dst, kms)).toBe(`${SIZE_AND_TIME}; the checksums cannot tell`);
  });

  it('the destination or the source gone since the listing: copied', async () => {
    expect(await confirmByChecksum(storageWith({ s: sourceHead(full({ CRC32: 'a' })) }), src, dst, kms)).toBeUndefined();
    expect(await confirmByChecksum(storageWith({ d: copyHead(full({ CRC32: 'a' })) }), src, dst, kms)).toBeUndefined();
  });

  it('a destination head already read with checksums is not read again', async () => {
    const storage = storageWith({ s: sourceHead(full({ CRC32: 'a' })) });
    expect(await confirmByChecksum(storage, src, dst, kms, copyHead(full({ CRC32: 'a' })))).toBe('same size and full-object CRC32 checksum');
    expect(storage.asked).toEqual(['s']);
  });
});
