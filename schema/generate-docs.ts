/**
 * Generates docs/route-reference.md from schema/route.schema.json: the schema's descriptions
 * are the field reference, so nothing is described twice. `--check` fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Node {
  description?: string;
  type?: string | string[];
  $ref?: string;
  enum?: unknown[];
  default?: unknown;
  examples?: unknown[];
  pattern?: string;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  anyOf?: Node[];
  additionalProperties?: boolean | Node;
}

const schemaPath = fileURLToPath(new URL('./route.schema.json', import.meta.url));
const outPath = fileURLToPath(new URL('../docs/route-reference.md', import.meta.url));
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Node & { definitions: Record<string, Node> };

function refName(ref: string): string {
  return ref.split('/').pop() ?? ref;
}

function typeOf(node: Node): string {
  if (node.$ref) {
    const name = refName(node.$ref);
    return schema.definitions[name]?.properties ? `[${name}](#${name.toLowerCase()})` : name;
  }
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  if (node.type === 'array' && node.items) return `list of ${typeOf(node.items)}`;
  if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object') return `map of ${typeOf(node.additionalProperties)}`;
  return Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
}

function describe(node: Node): string {
  const target = node.$ref ? schema.definitions[refName(node.$ref)] : undefined;
  const text = node.description ?? target?.description ?? '';
  const extras = [
    node.default !== undefined ? `Default: \`${JSON.stringify(node.default)}\`.` : '',
    node.examples ? `Examples: ${node.examples.map((e) => `\`${JSON.stringify(e)}\``).join(', ')}.` : '',
  ].filter(Boolean);
  return [text, ...extras].join(' ').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(title: string, node: Node): string[] {
  const lines = [`## ${title}`, '', describe(node), ''];
  if (!node.properties) return lines;
  lines.push('| field | type | required | description |', '|---|---|---|---|');
  for (const [name, child] of Object.entries(node.properties)) {
    lines.push(`| \`${name}\` | ${typeOf(child)} | ${node.required?.includes(name) ? 'yes' : ''} | ${describe(child)} |`);
  }
  lines.push('');
  return lines;
}

const sections = [
  '# Route file reference',
  '',
  'Generated from `schema/route.schema.json` by `npm run schema:docs`; edit the schema, not this file.',
  '',
  ...table('Route', schema),
  ...Object.entries(schema.definitions)
    .filter(([, def]) => def.properties)
    .flatMap(([name, def]) => table(name, def)),
];
const generated = `${sections.join('\n').trimEnd()}\n`;

if (process.argv.includes('--check')) {
  if (readFileSync(outPath, 'utf8') !== generated) {
    console.error('docs/route-reference.md is stale: run `npm run schema:docs` and commit the result.');
    process.exit(1);
  }
  console.log('docs/route-reference.md is up to date.');
} else {
  writeFileSync(outPath, generated);
  console.log(`wrote ${outPath}`);
}
