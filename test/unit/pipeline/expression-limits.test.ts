/** Expression limits: a runaway or recursive expression fails with a coded error naming the route, the field, its file:line and the limit. */
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../engine/errors.ts';
import { locateExpression } from '../../../engine/load/expression-locations.ts';
import { compileExpression, EVALUATION_LIMITS, type Expression } from '../../../engine/load/expressions.ts';
import { readPrecompiledRoutes } from '../../../engine/load/read-precompiled.ts';
import { precompileRoutes } from '../../../engine/load/write-precompiled.ts';
import { Pipeline } from '../../../engine/pipeline.ts';
import { evaluate } from '../../../engine/resolve/evaluate.ts';
import { compileRoutes, fakeWorld, s3Created } from './fake-world.ts';

const DEEP_ROUTE = {
  'routes/deep.yaml': `name: deep
source: { bucket: inbox, trigger: s3-notification }
let:
  depth: "($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))"
actions:
  - copy: { to: out, key: "'x/' & $string($depth)" }
`,
};

describe('through the pipeline', () => {
  it('a recursion deeper than the depth limit fails the route with ExpressionLimit, naming route, field, file:line and the limit; nothing is copied', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'a.json', '{}');
    const routes = compileRoutes(DEEP_ROUTE);
    const pipeline = new Pipeline({ routes, ports: world.ports });

    const report = await pipeline.processInput(s3Created('inbox', 'a.json'));
    const route = report.records[0]?.events[0]?.routes[0];

    expect(route?.error).toEqual({
      code: 'ExpressionLimit',
      failureClass: 'config',
      message: `route deep: let.depth (let.depth at routes/deep.yaml:4) went deeper than the expression depth limit of ${EVALUATION_LIMITS.stack} nested calls: a recursive function that does not end (or ends too deep); bound it, or rewrite it so the recursive call is the last thing it does (D1011)`,
    });
    expect(route?.failed).toBe(true);
    expect(world.copies).toEqual([]);
  });
});

describe('evaluate', () => {
  function located(source: string, options?: { timeout: number; stack: number }): Expression {
    const expression = options ? jsonata(source, options) : (compileExpression(source) as Expression);
    locateExpression(expression, 'loop', 'routes/loop.yaml', ['actions', 0, 'copy', 'key'], 11);
    return expression;
  }

  it('a runaway loop stops at the time limit: ExpressionLimit with the limit in ms', async () => {
    const error = await evaluate(located('($f := function($n) { $f($n + 1) }; $f(1))', { timeout: 50, stack: 250 }), {}, 'action 0 key').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({ code: 'ExpressionLimit', failureClass: 'config', context: { route: 'loop' } });
    expect((error as Error).message).toBe(
      'route loop: action 0 key (actions[0].copy.key at routes/loop.yaml:12) ran longer than the expression time limit of 50 ms (lookups included): a loop or recursion that does not end, or lookups that hang (D1012)',
    );
  });

  it("JSONata tripping over a call to a name that holds no function (the issue's \"Cannot set properties of undefined (setting 'token')\") gets a reason", async () => {
    const error = await evaluate(located('($g := function($n) { $notYet($n) }; $g(1))'), {}, 'let.x').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ExpressionError', failureClass: 'config' });
    expect((error as Error).message).toMatch(/^route loop: let\.x \(actions\[0\]\.copy\.key at routes\/loop\.yaml:12\) failed inside JSONata \(Cannot set properties of undefined \(setting 'token'\)\): it calls a function that does not exist when called/);
  });

  it('other expression errors keep their JSONata code and gain the file:line', async () => {
    const error = await evaluate(located('$number("x")'), {}, 'let.n').catch((e: unknown) => e);

    expect((error as Error).message).toMatch(/^let\.n failed: .* \(D3030\) \[routes\/loop\.yaml:12\]$/);
  });
});

describe('routes read back from a Lambda bundle (precompiled)', () => {
  it('an expression stopped by the depth limit still names its file and line', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'a.json', '{}');
    const routes = readPrecompiledRoutes(JSON.parse(JSON.stringify(precompileRoutes(compileRoutes(DEEP_ROUTE)))));
    const pipeline = new Pipeline({ routes, ports: world.ports });

    const report = await pipeline.processInput(s3Created('inbox', 'a.json'));

    expect(report.records[0]?.events[0]?.routes[0]?.error?.message).toMatch(/^route deep: let\.depth \(let\.depth at routes\/deep\.yaml:4\) went deeper than the expression depth limit/);
  });
});

describe('an expression without a recorded place (read back from a Lambda bundle)', () => {
  it('still names the route, from the bindings, and the field', async () => {
    const error = await evaluate(jsonata('($f := function($n) { 1 + $f($n) }; $f(1))', EVALUATION_LIMITS), { route: 'bundled' }, 'let.depth').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ExpressionLimit', context: { route: 'bundled' } });
    expect((error as Error).message).toMatch(/^route bundled: let\.depth went deeper than the expression depth limit of 250 nested calls/);
  });
});
