/**
 * A template that calls a helper Switchyard does not register compiles in Handlebars and throws
 * `Missing helper` only when rendered (for a failure notification: at the worst moment). The
 * loader refuses it with SY027 at the template's place in the route file.
 */
import { describe, expect, it } from 'vitest';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromFiles } from '../../../engine/load/route-set.ts';

function routeWith(subject: string): string {
  return `name: notes
source: { bucket: inbox, trigger: s3-notification }
actions:
  - email: { from: a@example.com, to: [b@example.com], subject: "${subject}", text: templates/body.hbs }
notify:
  onFailure: { sns: notes-failures, template: templates/failure.hbs }
`;
}

const fine = '{{#each failures}}{{#if (eq this.errorCode "NotAllowed")}}{{json this}}{{/if}}{{lookup this "action"}}{{/each}}{{join records ", "}}{{#with object}}{{key}}{{/with}}{{#unless error}}ok{{/unless}}{{notAHelperJustAValue}}{{#section}}x{{/section}}';

const cases = [
  {
    proves: 'a failure template calling an unknown helper is refused, naming the template line and column',
    subject: 'New {{key}}',
    failure: 'Failed:\n  at {{formatDate object.eventTime "YYYY"}}\n',
    expected: [{ line: 6, col: 47, message: "template 'templates/failure.hbs' does not compile: line 2, column 6: calls helper 'formatDate'" }],
  },
  {
    proves: 'an unknown helper inside a subexpression is refused too',
    subject: 'New {{key}}',
    failure: '{{#if (isEmpty failures)}}none{{/if}}',
    expected: [{ line: 6, col: 47, message: "line 1, column 7: calls helper 'isEmpty'" }],
  },
  {
    proves: 'an inline template points at the helper inside the YAML value',
    subject: 'New {{upper key}}',
    failure: fine,
    expected: [{ line: 4, col: 70, message: "template does not compile: line 1, column 5: calls helper 'upper'" }],
  },
  {
    proves: "our helpers and Handlebars' own pass; a bare name or a section reads data, not a helper",
    subject: '{{#if (ne key \\"x\\")}}New {{key}}{{/if}}',
    failure: fine,
    expected: [],
  },
];

describe('templates that call helpers Switchyard does not have', () => {
  it.each(cases)('$proves', ({ subject, failure, expected }) => {
    const loaded = loadRoutes(routeSetFromFiles({ 'routes/notes.yaml': routeWith(subject), 'routes/templates/failure.hbs': failure, 'routes/templates/body.hbs': 'Body {{key}}' }));

    const printed = loaded.diagnostics.map((d) => ({ code: d.code, line: d.position.line + 1, col: d.position.col + 1, message: d.message, hint: d.hint }));
    expect(printed).toEqual(
      expected.map((e) => ({ code: 'SY027', line: e.line, col: e.col, message: expect.stringContaining(e.message), hint: expect.stringContaining('eq, ne, json, join; anything else') })),
    );
  });
});

describe('templates that use partials (Switchyard registers none)', () => {
  it('{{> name}} is refused at its line and column, not left to fail when rendered', () => {
    const loaded = loadRoutes(routeSetFromFiles({ 'routes/notes.yaml': routeWith('New {{key}}'), 'routes/templates/failure.hbs': 'Failed:\n  {{> footer}}\n', 'routes/templates/body.hbs': 'Body {{key}}' }));

    expect(loaded.diagnostics.map((d) => ({ code: d.code, message: d.message, hint: d.hint }))).toEqual([
      { code: 'SY027', message: expect.stringContaining('line 2, column 3: uses the partial {{> footer}}, but Switchyard registers no partials'), hint: expect.stringContaining('write the text into the template itself') },
    ]);
  });
});
