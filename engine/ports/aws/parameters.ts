/** ParameterPort over SSM: GetParameters takes at most 10 names a call. */
import type { ParameterPort } from '../types.ts';
import { toActionError } from './classify.ts';
import type { AccessResolver } from './credentials.ts';
import { loadSdk } from './sdk.ts';

const NAMES_PER_CALL = 10;

export class SsmParameters implements ParameterPort {
  constructor(private readonly access: AccessResolver) {}

  async getParameters(names: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(names)];
    const values = new Map<string, string>();
    const { GetParametersCommand } = await loadSdk('ssm');
    const { ssm } = await this.access.clientsFor();
    for (let start = 0; start < unique.length; start += NAMES_PER_CALL) {
      const batch = unique.slice(start, start + NAMES_PER_CALL);
      try {
        const answer = await ssm.send(new GetParametersCommand({ Names: batch, WithDecryption: true }));
        for (const parameter of answer.Parameters ?? []) {
          if (parameter.Name !== undefined && parameter.Value !== undefined) values.set(parameter.Name, parameter.Value);
        }
      } catch (error) {
        throw toActionError(error, { operation: `ssm:GetParameters ${batch.join(', ')}` });
      }
    }
    return values;
  }
}
