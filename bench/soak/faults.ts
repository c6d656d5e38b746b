/**
 * The soak's fault mix: a share of every request the function makes is answered 503 (SlowDown
 * for S3) or 500, reset before reaching moto, carried out by moto with the response lost, or
 * slowed down. Error bodies are S3's XML for S3 only; the JSON-protocol services (SQS, SSM,
 * SESv2, SNS) get the status alone, as a body in the wrong protocol would be a fault AWS never
 * makes. Rules are tried in order, so each probability is conditional on the earlier ones missing.
 */
import type { FaultAction, FaultRule } from '../../test/integration/support/fault-proxy.ts';

const S3 = { name: 'authorization', value: /\/s3\/aws4_request/ };
const NOT_S3 = { name: 'authorization', value: /\/(?!s3\/)[a-z0-9-]+\/aws4_request/ };

export const FAULT_MIX: Array<{ share: number; actions: Array<{ header?: FaultRule['header']; action: FaultAction }> }> = [
  { share: 0.3, actions: [{ header: S3, action: { status: 503, s3Error: 'SlowDown' } }, { header: NOT_S3, action: { status: 503 } }] },
  { share: 0.2, actions: [{ header: S3, action: { status: 500, s3Error: 'InternalError' } }, { header: NOT_S3, action: { status: 500 } }] },
  { share: 0.2, actions: [{ action: { reset: true } }] },
  { share: 0.15, actions: [{ action: { resetAfterForward: true } }] },
  { share: 0.15, actions: [{ action: { delayMs: 400 } }] },
];

export function faultRules(rate: number): FaultRule[] {
  let remaining = 1;
  return FAULT_MIX.flatMap(({ share, actions }) => {
    const probability = (rate * share) / remaining;
    remaining -= rate * share;
    return actions.map(({ header, action }) => ({ ...(header ? { header } : {}), action, probability }));
  });
}
