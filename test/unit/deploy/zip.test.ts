/**
 * The zip writer, read back by an independent implementation (Python's zipfile): names,
 * contents, CRCs, the fixed timestamp and permissions; and CRC-32 against known vectors.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, writeZip, type ZipEntry } from '../../../deploy/zip.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ReadBack {
  bad: string | null;
  entries: Array<{ name: string; data: string; date_time: number[]; mode: number; compress_type: number }>;
}

/** zipfile.testzip() checks every CRC; each entry's bytes come back base64. */
function readWithPython(zip: Buffer): ReadBack {
  const file = path.join(dir, `read-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(file, zip);
  const script = `
import base64, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"bad": z.testzip(), "entries": [
  {"name": i.filename, "data": base64.b64encode(z.read(i)).decode(), "date_time": list(i.date_time),
   "mode": i.external_attr >> 16, "compress_type": i.compress_type} for i in z.infolist()]}))`;
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as ReadBack;
}

const cases: Array<{ name: string; entries: ZipEntry[] }> = [
  { name: 'one text file', entries: [{ name: 'handler.js', data: Buffer.from('exports.handler = async () => 1;\n') }] },
  { name: 'an empty file', entries: [{ name: 'empty.txt', data: Buffer.alloc(0) }] },
  {
    name: 'several files, order kept, nested path, non-ASCII name',
    entries: [
      { name: 'z-last-alphabetically.js', data: Buffer.from('z') },
      { name: 'dir/sub/a.json', data: Buffer.from(JSON.stringify({ a: 1 })) },
      { name: 'réf-ü.txt', data: Buffer.from('unicode name') },
    ],
  },
  { name: 'incompressible bytes', entries: [{ name: 'random.bin', data: Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 2654435761) >>> 24)) }] },
];

describe('writeZip', () => {
  for (const c of cases) {
    it(`${c.name}: read back byte for byte with valid CRCs, fixed time and rw-r--r-- permissions`, () => {
      const read = readWithPython(writeZip(c.entries));
      expect(read.bad).toBeNull();
      expect(read.entries.map((e) => e.name)).toEqual(c.entries.map((e) => e.name));
      for (const [i, entry] of read.entries.entries()) {
        expect(Buffer.from(entry.data, 'base64').equals(c.entries[i]?.data ?? Buffer.alloc(1))).toBe(true);
        expect(entry.date_time).toEqual([1980, 1, 1, 0, 0, 0]);
        expect(entry.mode).toBe(0o100644);
        expect(entry.compress_type).toBe(8);
      }
    });
  }

  it('the same entries give the same bytes', () => {
    const entries = cases[2]?.entries ?? [];
    expect(writeZip(entries).equals(writeZip(entries.map((e) => ({ name: e.name, data: Buffer.from(e.data) }))))).toBe(true);
  });
});

describe('crc32', () => {
  const vectors: Array<{ name: string; input: string; crc: number }> = [
    { name: 'empty input is 0', input: '', crc: 0 },
    { name: 'the standard check value of "123456789"', input: '123456789', crc: 0xcbf43926 },
    { name: 'the pangram', input: 'The quick brown fox jumps over the lazy dog', crc: 0x414fa339 },
  ];
  for (const v of vectors) {
    it(v.name, () => expect(crc32(Buffer.from(v.input))).toBe(v.crc));
  }
});
