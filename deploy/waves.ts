/**
 * The order stacks are deployed in: waves, each holding the stacks whose dependencies are
 * all in earlier waves (the core first, then every shard). Stacks of one wave run side by
 * side under the concurrency bound.
 */
import { DeployError } from './errors.ts';

export function deploymentWaves<T extends { name: string; dependsOn: readonly string[] }>(stacks: readonly T[]): T[][] {
  const names = new Set(stacks.map((s) => s.name));
  for (const stack of stacks) {
    const unknown = stack.dependsOn.filter((d) => !names.has(d));
    if (unknown.length > 0) throw new DeployError('InvalidDeployment', `stack ${stack.name} depends on ${unknown.join(', ')}, which the deployment does not hold: this is a bug in the generator`);
  }
  const placed = new Set<string>();
  const waves: T[][] = [];
  let left = [...stacks];
  while (left.length > 0) {
    const wave = left.filter((s) => s.dependsOn.every((d) => placed.has(d)));
    if (wave.length === 0) throw new DeployError('InvalidDeployment', `stacks ${left.map((s) => s.name).join(', ')} depend on each other in a cycle: this is a bug in the generator`);
    for (const s of wave) placed.add(s.name);
    waves.push(wave);
    left = left.filter((s) => !placed.has(s.name));
  }
  return waves;
}
