import { describe, expect, it } from 'vitest';
import { foldCase } from '../../../engine/match/fold-case.ts';

const cases: { name: string; text: string; folded: string }[] = [
  { name: 'lower-cases ASCII', text: 'IMG_001.JPG', folded: 'img_001.jpg' },
  { name: 'leaves an already folded key as it is', text: 'a/b.json', folded: 'a/b.json' },
  { name: 'lower-cases accented Latin', text: 'ÜBER.Json', folded: 'über.json' },
  { name: 'folds a final capital sigma to σ, as it folds on its own', text: 'ΑΣ', folded: 'ασ' },
  { name: 'expands dotted capital I like toLowerCase does', text: 'İ', folded: 'i̇' },
  { name: 'keeps astral characters intact', text: '😀.PNG', folded: '😀.png' },
];

describe('foldCase', () => {
  it.each(cases)('$name', ({ text, folded }) => {
    expect(foldCase(text)).toBe(folded);
  });

  it('folds a tail the same whether or not the rest of the key comes with it', () => {
    for (const [head, tail] of [['ΑΒ', 'Σ'], ['x/', 'İ.PDF'], ['日本', 'ファイル.JSON']] as const) {
      expect(foldCase(head + tail).endsWith(foldCase(tail))).toBe(true);
    }
  });
});
