/** Manifests written and read as bytes, a chunk at a time: the same text as one join, without V8's string limit. */
import { describe, expect, it } from 'vitest';
import { joinedBytes, linesOf } from '../../../engine/batch/chunked-text.ts';

describe('joinedBytes', () => {
  const items = Array.from({ length: 120_001 }, (_, i) => ({ key: `data/é ${i}` }));

  it('across chunk boundaries, is byte for byte the single join (JSON lines and a JSON array)', () => {
    expect(joinedBytes(items, (i) => JSON.stringify(i), '\n', '', '\n').toString('utf8')).toBe(`${items.map((i) => JSON.stringify(i)).join('\n')}\n`);
    expect(JSON.parse(joinedBytes(items, (i) => JSON.stringify(i), ',', '[', ']').toString('utf8'))).toEqual(items);
  });

  it('of nothing is just the brackets', () => {
    expect(joinedBytes([], String, ',', '[', ']').toString()).toBe('[]');
  });
});

describe('linesOf', () => {
  it('yields each non-empty line, multi-byte characters whole', () => {
    expect([...linesOf(Buffer.from('{"k":"日本"}\n\n{"k":"b"}\n'))]).toEqual(['{"k":"日本"}', '{"k":"b"}']);
    expect([...linesOf(Buffer.from('last line without newline'))]).toEqual(['last line without newline']);
    expect([...linesOf(Buffer.alloc(0))]).toEqual([]);
  });
});
