/**
 * One moto server per test file with the fault proxy in front of it: started once, moto reset and
 * the proxy's rules cleared before every test. The returned object is filled in by `beforeAll`.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createAwsTestEnv, type AwsTestEnv } from './aws-env.ts';
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from './fault-proxy.ts';
import { startMoto, type MotoServer } from './moto.ts';

export interface MotoBehindProxy {
  moto: MotoServer;
  proxy: FaultProxy;
  /** Clients straight to moto, for setting up and reading back. */
  env: AwsTestEnv;
}

export function useMotoBehindFaultProxy(seed: number, options: Omit<FaultProxyOptions, 'seed'> = {}): MotoBehindProxy {
  const world = {} as MotoBehindProxy;
  beforeAll(async () => {
    world.moto = await startMoto();
    world.proxy = await startFaultProxy(world.moto.endpoint, [], { ...options, seed });
    world.env = createAwsTestEnv(world.moto.endpoint);
  }, 60_000);
  afterAll(async () => {
    await world.proxy?.stop();
    await world.moto?.stop();
  });
  beforeEach(async () => {
    await world.moto.reset();
    world.proxy.setRules([]);
  });
  return world;
}
