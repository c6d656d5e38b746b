import { describe, expect, it } from 'vitest';
import { deploymentWaves } from '../../../deploy/waves.ts';

const stack = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });

describe('deploymentWaves', () => {
  const cases: Array<{ name: string; stacks: ReturnType<typeof stack>[]; expected: string[][] | RegExp }> = [
    { name: 'one stack is one wave', stacks: [stack('router')], expected: [['router']] },
    { name: 'the core first, then every shard together, in the order given', stacks: [stack('s2', 'core'), stack('core'), stack('s1', 'core')], expected: [['core'], ['s2', 's1']] },
    { name: 'a chain gives one wave per link', stacks: [stack('c', 'b'), stack('b', 'a'), stack('a')], expected: [['a'], ['b'], ['c']] },
    { name: 'an unknown dependency is a generator bug, named', stacks: [stack('s1', 'core')], expected: /s1 depends on core, which the deployment does not hold/ },
    { name: 'a cycle is a generator bug, named', stacks: [stack('a', 'b'), stack('b', 'a'), stack('c')], expected: /stacks a, b depend on each other in a cycle/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.expected instanceof RegExp) expect(() => deploymentWaves(c.stacks)).toThrow(c.expected);
      else expect(deploymentWaves(c.stacks).map((w) => w.map((s) => s.name))).toEqual(c.expected);
    });
  }
});
