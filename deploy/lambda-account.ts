/**
 * Lambda's GetAccountSettings, the one Lambda call `deploy` makes: how much concurrency the
 * account has and how much no function has reserved. @aws-sdk/client-lambda is not a
 * dependency of this package, so the request is signed here (signed-request.ts).
 */
import { DeployError } from './errors.ts';
import { signedRequest, type SignedServiceOptions } from './signed-request.ts';

export interface AccountConcurrency {
  /** AccountLimit.ConcurrentExecutions: the account's concurrency quota in this region. */
  limit: number;
  /** AccountLimit.UnreservedConcurrentExecutions: what no function has reserved. */
  unreserved: number;
}

export interface LambdaAccount {
  /** `undefined` when the endpoint does not implement GetAccountSettings (a stand-in such as moto). */
  concurrency(): Promise<AccountConcurrency | undefined>;
}

export type LambdaAccountOptions = SignedServiceOptions;

const ACCOUNT_SETTINGS_PATH = '/2016-08-19/account-settings/';

export function lambdaAccount(options: LambdaAccountOptions): LambdaAccount {
  return {
    async concurrency() {
      const response = await signedRequest(options, { service: 'lambda', method: 'GET', path: ACCOUNT_SETTINGS_PATH });
      const text = response.text;
      if (response.status === 404 || response.status === 501) return undefined;
      if (!response.ok) {
        throw new DeployError(
          'AccountSettingsUnavailable',
          `Lambda GetAccountSettings failed (HTTP ${response.status} ${errorName(text)}), so whether the functions' reserved concurrency fits the account is unknown: allow lambda:GetAccountSettings to the deploying role, or pass --reserved-concurrency 0 to reserve none`,
        );
      }
      return figures(text);
    },
  };
}

interface AccountSettings {
  AccountLimit?: { ConcurrentExecutions?: unknown; UnreservedConcurrentExecutions?: unknown };
}

function figures(text: string): AccountConcurrency {
  const limit = parsed(text).AccountLimit;
  if (typeof limit?.ConcurrentExecutions !== 'number' || typeof limit.UnreservedConcurrentExecutions !== 'number') {
    throw new DeployError('AccountSettingsUnavailable', `Lambda GetAccountSettings answered without AccountLimit.ConcurrentExecutions and UnreservedConcurrentExecutions: check the endpoint, or pass --reserved-concurrency 0 to reserve none`);
  }
  return { limit: limit.ConcurrentExecutions, unreserved: limit.UnreservedConcurrentExecutions };
}

function parsed(text: string): AccountSettings {
  try {
    return JSON.parse(text) as AccountSettings;
  } catch {
    return {};
  }
}

function errorName(text: string): string {
  try {
    const parsed = JSON.parse(text) as { __type?: string; Type?: string; message?: string; Message?: string };
    return `${parsed.__type ?? parsed.Type ?? ''}: ${parsed.message ?? parsed.Message ?? ''}`.trim();
  } catch {
    return text.slice(0, 200);
  }
}
