/**
 * The route files a deployed router bundle carries. deploy/bundle.ts embeds them as one object
 * literal `{"routes/<file>": "<text>", …}` in handler.js; esbuild writes the texts as string
 * or template literals. This finds that literal and reads it token by token: only string
 * literals, colons and commas are accepted, nothing is evaluated but a single string token.
 */
import { runInNewContext } from 'node:vm';
import { OpsError } from './errors.ts';

const FIRST_KEY = /["'`]routes\/[^"'`]+\.ya?ml["'`]\s*:/;

export function embeddedRouteFilesOf(handlerJs: string): Record<string, string> {
  const first = FIRST_KEY.exec(handlerJs);
  if (!first) throw new OpsError('SY403', 'the deployed router bundle holds no embedded route files (was it built by switchyard deploy?)');
  const open = handlerJs.lastIndexOf('{', first.index);
  if (open < 0 || handlerJs.slice(open + 1, first.index).trim() !== '') throw unreadable('no object literal around the route files');
  const files: Record<string, string> = {};
  let at = open + 1;
  for (;;) {
    at = skipSpace(handlerJs, at);
    if (handlerJs[at] === '}') return files;
    const key = stringToken(handlerJs, at);
    at = skipSpace(handlerJs, key.end);
    if (handlerJs[at] !== ':') throw unreadable(`expected ':' after ${key.value}`);
    const value = stringToken(handlerJs, skipSpace(handlerJs, at + 1));
    files[key.value] = value.value;
    at = skipSpace(handlerJs, value.end);
    if (handlerJs[at] === ',') at++;
    else if (handlerJs[at] !== '}') throw unreadable(`expected ',' or '}' after the text of ${key.value}`);
  }
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && /\s/.test(text[at] ?? '')) at++;
  return at;
}

/** One "…", '…' or `…` literal (without `${`) starting at `at`, decoded. */
function stringToken(text: string, at: number): { value: string; end: number } {
  const quote = text[at];
  if (quote !== '"' && quote !== "'" && quote !== '`') throw unreadable(`expected a string at offset ${at}`);
  let i = at + 1;
  while (i < text.length && text[i] !== quote) {
    if (text[i] === '\\') i++;
    else if (quote === '`' && text[i] === '$' && text[i + 1] === '{') throw unreadable('a template literal with an expression');
    i++;
  }
  if (i >= text.length) throw unreadable('an unterminated string');
  const value: unknown = runInNewContext(text.slice(at, i + 1), Object.create(null) as object, { timeout: 1000 });
  if (typeof value !== 'string') throw unreadable('a literal that is not a string');
  return { value, end: i + 1 };
}

function unreadable(what: string): OpsError {
  return new OpsError('SY403', `could not read the route files embedded in the deployed router bundle: ${what}`);
}
