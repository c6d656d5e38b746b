/** The CSV of inventory reports and Batch Operations manifests, and their URL-encoded keys. */
import { describe, expect, it } from 'vitest';
import { csvRows, decodeKey } from '../../../engine/batch/csv.ts';

const rows: Array<{ proves: string; text: string; expected: string[][] }> = [
  { proves: 'plain fields', text: 'src,data/a.csv\nsrc,data/b.csv\n', expected: [['src', 'data/a.csv'], ['src', 'data/b.csv']] },
  { proves: 'quoted fields, with commas and doubled quotes inside', text: '"src","a,b","say ""hi"""\r\n', expected: [['src', 'a,b', 'say "hi"']] },
  { proves: 'empty fields and blank lines', text: 'src,,x\n\n"",y\n', expected: [['src', '', 'x'], ['', 'y']] },
];

const keys: Array<{ proves: string; encoded: string; key: string | undefined }> = [
  { proves: '%20 and + are both a space', encoded: 'red%20flower+2.jpg', key: 'red flower 2.jpg' },
  { proves: '%2B is a plus', encoded: 'a%2Bb.txt', key: 'a+b.txt' },
  { proves: 'UTF-8 sequences decode', encoded: 'caf%C3%A9/%E6%97%A5.xml', key: 'café/日.xml' },
  { proves: 'a bare % is not URL-encoding: no key, for the caller to report with its line', encoded: 'data/100%.txt', key: undefined },
];

describe('csvRows', () => {
  for (const c of rows) it(c.proves, () => expect(csvRows(c.text)).toEqual(c.expected));
});

describe('decodeKey', () => {
  for (const c of keys) it(c.proves, () => expect(decodeKey(c.encoded)).toBe(c.key));
});
