/**
 * Errors of `switchyard status` and `switchyard replay` (SY4xx). `unreachable` ones mean the
 * deployment could not be looked at at all: status exits 2 for them, so a monitor can tell
 * "something is wrong with the routes" (1) from "I could not look" (2).
 */
import { SwitchyardError } from '../../engine/errors.ts';

export type OpsErrorCode =
  | 'SY401' // a CloudWatch call failed
  | 'SY402' // no stack of this deployment was found
  | 'SY403' // the deployed router bundle could not be read
  | 'SY404'; // a dead-letter message or failure record could not be read

export class OpsError extends SwitchyardError {
  override readonly name = 'OpsError';
  constructor(
    override readonly code: OpsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
