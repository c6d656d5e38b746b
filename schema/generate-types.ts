/**
 * Generates schema/route.ts from schema/route.schema.json (the single source of truth).
 * `--check` exits 1 when the committed file is stale (CI runs it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

const schemaPath = fileURLToPath(new URL('./route.schema.json', import.meta.url));
const outPath = fileURLToPath(new URL('./route.ts', import.meta.url));

/**
 * `oneOf: [{required: [a]}, {required: [b]}]` says which properties must be present, not what
 * shape they have; json-schema-to-typescript would turn it into an index signature and lose
 * the property types, so such presence-only combinators are dropped for type generation.
 * Validation (ajv) always uses the schema as written.
 */
function forTypeGeneration(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forTypeGeneration);
  if (node === null || typeof node !== 'object') return node;
  // A `$ref` with only annotations beside it would become a duplicate named type (AssumeRole1, …).
  if ('$ref' in node && Object.keys(node).every((k) => ['$ref', 'description', 'default', 'examples'].includes(k))) {
    return { $ref: (node as { $ref: string }).$ref };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const presenceOnly =
      (key === 'oneOf' || key === 'anyOf') &&
      Array.isArray(value) &&
      value.every((v) => typeof v === 'object' && v !== null && Object.keys(v).join() === 'required');
    if (!presenceOnly) out[key] = forTypeGeneration(value);
  }
  return out;
}

const schema = forTypeGeneration(JSON.parse(readFileSync(schemaPath, 'utf8'))) as JSONSchema;
const generated = await compile(schema, 'Route', {
  bannerComment:
    '/* Generated from schema/route.schema.json by `npm run schema:types`. Do not edit by hand. */',
  additionalProperties: false,
  unreachableDefinitions: true,
  style: { singleQuote: true, printWidth: 120 },
});

if (process.argv.includes('--check')) {
  const current = readFileSync(outPath, 'utf8');
  if (current !== generated) {
    console.error('schema/route.ts is stale: run `npm run schema:types` and commit the result.');
    process.exit(1);
  }
  console.log('schema/route.ts is up to date.');
} else {
  writeFileSync(outPath, generated);
  console.log(`wrote ${outPath}`);
}
