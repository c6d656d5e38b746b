import { describe, expect, it } from 'vitest';
import { copySource } from '../../../../engine/ports/aws/copy-source.ts';

describe('copySource', () => {
  const cases = [
    { proves: 'a plain key is unchanged', key: 'a/b.pdf', expected: 'src/a/b.pdf' },
    { proves: 'a space is %20, not +', key: 'red flower.jpg', expected: 'src/red%20flower.jpg' },
    { proves: 'a plus sign is encoded so it is not read as a space', key: 'a+b.jpg', expected: 'src/a%2Bb.jpg' },
    { proves: 'a percent sign is encoded', key: '100%.txt', expected: 'src/100%25.txt' },
    { proves: 'a question mark cannot start a query', key: 'what?.txt', expected: 'src/what%3F.txt' },
    { proves: 'a hash cannot start a fragment', key: 'no#1.txt', expected: 'src/no%231.txt' },
    { proves: 'unicode is UTF-8 percent-encoded', key: 'café/é.txt', expected: 'src/caf%C3%A9/%C3%A9.txt' },
    { proves: "RFC 3986 reserved !'()* are encoded", key: "it's (1)*!.txt", expected: 'src/it%27s%20%281%29%2A%21.txt' },
    { proves: 'slashes stay literal, empty segments too', key: 'a//b/', expected: 'src/a//b/' },
  ];
  it.each(cases)('$proves', ({ key, expected }) => {
    expect(copySource({ bucket: 'src', key })).toBe(expected);
  });

  it('appends an encoded versionId', () => {
    expect(copySource({ bucket: 'src', key: 'a.txt', versionId: 'v+1/x' })).toBe('src/a.txt?versionId=v%2B1%2Fx');
  });
});
