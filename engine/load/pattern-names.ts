/**
 * What a schema `pattern` means, in words, for "is 'X', which is not <this>". Keyed by the
 * pattern text itself, so a pattern changed in the schema falls back to "a valid value"
 * instead of being described wrongly.
 */
const PATTERN_NAMES: Record<string, string> = {
  '^[a-z][a-z0-9-]{0,46}[a-z0-9]$': 'a valid route name (2–48 lower-case letters, digits and hyphens, starting with a letter)',
  '^[a-zA-Z][a-zA-Z0-9_]*$': 'a valid name (letters, digits and _, starting with a letter)',
  '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$': 'a valid bucket name (3–63 lower-case letters, digits, dots and hyphens)',
  '^[a-z0-9*][a-z0-9.*-]*$': 'a valid bucket name or pattern (lower-case letters, digits, dots, hyphens and *)',
  '^arn:aws[a-zA-Z-]*:iam::([0-9]{12}|\\*):role/.+$': 'an IAM role ARN (arn:aws:iam::<12-digit account or *>:role/<name>)',
  '^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[\\w-]+(\\.fifo)?$': 'an SQS queue ARN (arn:aws:sqs:<region>:<account>:<queue>)',
  '^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[\\w/-]+$': 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
  '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$': 'an S3 object URI (s3://<bucket>/<key>)',
  '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$': 'an S3 URI (s3://<bucket>/<prefix>/)',
  '^/[\\w./-]+$': 'an SSM parameter name (starting with /)',
  '^[a-z][a-z0-9-]*$': 'a valid action id (lower-case letters, digits and hyphens, starting with a letter)',
  '\\.(hbs|handlebars)$': 'a Handlebars template path (ending in .hbs or .handlebars)',
  '^([\\w-]{1,256}|arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:[0-9]{12}:[\\w-]+)$': 'an SNS topic name or ARN',
  '^[\\w-]{1,75}(\\.fifo)?$': 'a valid queue name (up to 80 letters, digits, - and _, optionally ending in .fifo)',
  '^[\\w+=,.@-]{2,64}$': 'a valid role session name (2–64 characters)',
  '^(rate|cron)\\(.+\\)$': 'a schedule expression (rate(…) or cron(…))',
};

export function patternName(pattern: unknown): string | undefined {
  return typeof pattern === 'string' ? PATTERN_NAMES[pattern] : undefined;
}
