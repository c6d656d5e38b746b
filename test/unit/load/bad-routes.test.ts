/**
 * The corpus of broken route files: each fixture states what the loader must report in its
 * header (`# expect: line:col SYxxx message substring | hint: hint substring`, 1-based), and the
 * loader must report exactly those problems — every one of them, in one run, and nothing else.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../../../engine/load/codes.ts';
import type { Diagnostic } from '../../../engine/load/diagnostic.ts';
import { loadRoutes, type LoadResult } from '../../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../../engine/load/route-set.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const badRoutes = 'test/fixtures/bad-routes';
const badRouteSets = 'test/fixtures/bad-route-sets';

interface Expectation {
  file: string;
  line: number;
  col: number;
  code: DiagnosticCode;
  message: string;
  hint?: string;
}

const EXPECT_LINE = /^# expect: (\d+):(\d+) (SY\d{3}) (.+?)(?: \| hint: (.+))?$/;

/** Expectations from a fixture's header; read as Latin-1 so binary and non-UTF-8 fixtures parse too. */
function expectationsOf(file: string, bytes: Buffer): Expectation[] {
  return bytes
    .toString('latin1')
    .split('\n')
    .map((line) => EXPECT_LINE.exec(line.trimEnd()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, line, col, code, message, hint]) => {
      if (!(code! in DIAGNOSTIC_CODES)) throw new Error(`${file}: unknown code ${code} in an expect line`);
      return { file, line: Number(line), col: Number(col), code: code as DiagnosticCode, message: message!, ...(hint ? { hint } : {}) };
    });
}

interface Case {
  name: string;
  /** Paths given to the loader, relative to `cwd`. */
  paths: string[];
  cwd: string;
  expected: Expectation[];
  /** Line count of each file, to check that every position lies inside its file. */
  lineCounts: Map<string, number>;
}

function lineCount(bytes: Buffer): number {
  return bytes.toString('latin1').split('\n').length;
}

function fileCase(file: string): Case {
  const bytes = readFileSync(path.join(repoRoot, file));
  return { name: path.basename(file), paths: [file], cwd: repoRoot, expected: expectationsOf(file, bytes), lineCounts: new Map([[file, lineCount(bytes)]]) };
}

function setCase(dir: string): Case {
  const files = readdirSync(path.join(repoRoot, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `${dir}/${f}`);
  const bytes = new Map(files.map((f) => [f, readFileSync(path.join(repoRoot, f))]));
  return {
    name: `${path.basename(dir)}/ (route set)`,
    paths: [dir],
    cwd: repoRoot,
    expected: files.flatMap((f) => expectationsOf(f, bytes.get(f)!)),
    lineCounts: new Map(files.map((f) => [f, lineCount(bytes.get(f)!)])),
  };
}

/** Files that cannot carry an `# expect:` header are written here, with their expectation beside them. */
function generatedCase(name: string, contents: Buffer, expected: Omit<Expectation, 'file'>[]): Case {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-bad-route-'));
  writeFileSync(path.join(dir, name), contents);
  return { name: `${name} (generated)`, paths: [name], cwd: dir, expected: expected.map((e) => ({ ...e, file: name })), lineCounts: new Map([[name, lineCount(contents)]]) };
}

/** A PNG saved as .yaml by mistake: its signature holds NUL bytes. */
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);

const cases: Case[] = [
  ...readdirSync(path.join(repoRoot, badRoutes))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => fileCase(`${badRoutes}/${f}`)),
  ...readdirSync(path.join(repoRoot, badRouteSets))
    .filter((d) => statSync(path.join(repoRoot, badRouteSets, d)).isDirectory())
    .sort()
    .map((d) => setCase(`${badRouteSets}/${d}`)),
  generatedCase('empty.yaml', Buffer.alloc(0), [{ line: 1, col: 1, code: 'SY004', message: 'route file is empty' }]),
  generatedCase('blank-lines.yaml', Buffer.from('\n   \n\n'), [{ line: 1, col: 1, code: 'SY004', message: 'route file is empty' }]),
  generatedCase('byte-order-mark-only.yaml', Buffer.from([0xef, 0xbb, 0xbf, 0x0a]), [{ line: 1, col: 1, code: 'SY004', message: 'route file is empty' }]),
  generatedCase('image-saved-as-yaml.yaml', pngSignature, [{ line: 1, col: 1, code: 'SY006', message: 'file holds binary data (NUL bytes), not YAML text' }]),
];

function load(c: Case): LoadResult {
  return loadRoutes(routeSetFromDisk(c.paths, c.cwd));
}

const where = (d: { file: string; line: number; col: number; code: string }): string => `${d.file}:${d.line}:${d.col} ${d.code}`;
const printed = (d: Diagnostic) => ({ file: d.file, line: d.position.line + 1, col: d.position.col + 1, code: d.code });

describe('loading broken route files', () => {
  it('has a corpus of at least 40 broken files covering every parse, schema and semantic code', () => {
    expect(cases.filter((c) => c.paths[0]?.startsWith(badRoutes)).length).toBeGreaterThanOrEqual(40);
    const covered = new Set(cases.flatMap((c) => c.expected.map((e) => e.code)));
    // SY032 (a schema modeline that resolves to no file) is validate's, not the loader's: scenario validate-stale-modeline.
    const uncovered = Object.keys(DIAGNOSTIC_CODES).filter((code) => !covered.has(code as DiagnosticCode) && code !== 'SY007' && code !== 'SY031' && code !== 'SY032');
    expect(uncovered).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: reports exactly the expected problems', (_, c) => {
    expect(c.expected.length, 'a fixture must state at least one expectation').toBeGreaterThan(0);
    let result: LoadResult | undefined;
    expect(() => (result = load(c))).not.toThrow();
    const diagnostics = result!.diagnostics;

    // The same (file, line:col, code) multiset, so one problem reported twice fails as well.
    expect(diagnostics.map((d) => where(printed(d))).sort()).toEqual(c.expected.map(where).sort());

    for (const e of c.expected) {
      const candidates = diagnostics.filter((d) => where(printed(d)) === where(e));
      const match = candidates.find((d) => d.message.includes(e.message) && (e.hint === undefined || (d.hint ?? '').includes(e.hint)));
      expect(match, `${where(e)}: no diagnostic whose message has "${e.message}"${e.hint ? ` and hint has "${e.hint}"` : ''}; got ${JSON.stringify(candidates.map((d) => [d.message, d.hint]))}`).toBeDefined();
    }
    expect(result!.routes.filter((r) => c.expected.some((e) => e.file === r.file)), 'a file with errors yields no route').toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: messages are for people (no stack traces, positions inside the file)', (_, c) => {
    const { diagnostics } = load(c);
    for (const d of diagnostics) {
      expect(`${d.message}\n${d.hint ?? ''}`).not.toContain('    at ');
      expect(d.message).not.toMatch(/undefined|\[object Object\]|NaN/);
      expect(d.severity).toBe('error');
      expect(d.position.line).toBeGreaterThanOrEqual(0);
      expect(d.position.col).toBeGreaterThanOrEqual(0);
      expect(d.position.line).toBeLessThan(c.lineCounts.get(d.file) ?? 0);
    }
  });
});
