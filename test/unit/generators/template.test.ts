import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GeneratorError } from '../../../generators/cloudformation/errors.ts';
import { generateTemplate } from '../../../generators/cloudformation/template.ts';
import type { CfnTemplate, CfnValue } from '../../../generators/cloudformation/types.ts';
import { checkLimits, MAX_RESOURCES, toJson, writeGenerated } from '../../../generators/write.ts';
import { loadRouteSet, ROUTE_SETS } from './load-fixture-routes.ts';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: CfnValue;
}

interface PolicyDocument {
  Statement: Statement[];
}

/** Statements of every role of the stack: managed policies (the function's, the state machines') and inline ones (schedules). */
function roleStatements(template: CfnTemplate): Statement[] {
  return Object.values(template.Resources).flatMap((r) => {
    if (r.Type === 'AWS::IAM::ManagedPolicy') return (r.Properties?.PolicyDocument as unknown as PolicyDocument).Statement;
    if (r.Type === 'AWS::IAM::Role') return ((r.Properties?.Policies ?? []) as unknown as Array<{ PolicyDocument: PolicyDocument }>).flatMap((p) => p.PolicyDocument.Statement);
    return [];
  });
}

function list<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Writes allowed on "*", because these calls take no resource-level permissions: X-Ray's, and
 * the CloudWatch Logs delivery calls Step Functions needs for its logging (AWS docs, "IAM
 * policies for logging to CloudWatch Logs"; see generators/cloudformation/state-machine.ts).
 */
const WRITES_ON_STAR_ALLOWED = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'logs:CreateLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:PutResourcePolicy',
]);
const READ_ONLY = /^[a-z0-9-]+:(Get|List|Describe|Receive)/;

const templates = ROUTE_SETS.map((set) => ({ set, template: generateTemplate(loadRouteSet(set)) }));

describe.each(templates)('template for $set', ({ set, template }) => {
  it('is byte-for-byte the same on a second run, and whatever order the routes come in', () => {
    const routes = loadRouteSet(set);
    expect(toJson(generateTemplate(routes))).toBe(toJson(template));
    expect(toJson(generateTemplate([...routes].reverse()))).toBe(toJson(template));
  });

  it('grants no wildcard action to any role', () => {
    const actions = roleStatements(template).flatMap((s) => list(s.Action));
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action).not.toMatch(/\*/);
  });

  it('has no "*" action anywhere and no Allow of everything', () => {
    const json = JSON.stringify(template);
    expect(json).not.toMatch(/"Action":\s*"\*"/);
    expect(json).not.toMatch(/"Action":\s*\[[^\]]*"\*"/);
  });

  it('allows no write on Resource "*" (X-Ray and Step Functions log delivery excepted: they have no resource-level permissions)', () => {
    for (const statement of roleStatements(template)) {
      if (!list(statement.Resource).includes('*')) continue;
      for (const action of list(statement.Action)) {
        expect(READ_ONLY.test(action) || WRITES_ON_STAR_ALLOWED.has(action), `${statement.Sid}: ${action} on *`).toBe(true);
      }
    }
  });

  it('gives every queue the function reads a visibility timeout of at least 6 × the function timeout', () => {
    const timeout = template.Resources.RouterFunction?.Properties?.Timeout as number;
    const owned = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
      .map((r) => r.Properties?.EventSourceArn)
      .flatMap((arn) => (arn !== null && typeof arn === 'object' && !Array.isArray(arn) && Array.isArray(arn['Fn::GetAtt']) ? [String(arn['Fn::GetAtt'][0])] : []));
    for (const id of owned) {
      expect(template.Resources[id]?.Properties?.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  it('gives every EventBridge target a retry policy and a dead-letter queue, and every mapping partial batch responses', () => {
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type === 'AWS::Events::Rule') {
        for (const target of resource.Properties?.Targets as Array<Record<string, unknown>>) {
          expect(target.RetryPolicy).toBeDefined();
          expect(target.DeadLetterConfig).toBeDefined();
        }
      }
      if (resource.Type === 'AWS::Lambda::EventSourceMapping') expect(resource.Properties?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      if (resource.Type === 'AWS::SQS::Queue') expect(resource.Properties?.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('watches every dead-letter queue with an alarm (up to 10 queues an alarm, through metric math)', () => {
    const queues = Object.entries(template.Resources).filter(([id, r]) => r.Type === 'AWS::SQS::Queue' && id.endsWith('DeadLetterQueue'));
    expect(queues.length).toBeGreaterThan(0);
    const alarms = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    for (const alarm of alarms) {
      const metrics = (alarm.Properties?.Metrics ?? []) as Array<{ MetricStat?: unknown }>;
      expect(metrics.filter((m) => m.MetricStat !== undefined).length).toBeLessThanOrEqual(10);
    }
    const watched = JSON.stringify(alarms);
    for (const [id] of queues) expect(watched).toContain(JSON.stringify({ 'Fn::GetAtt': [id, 'QueueName'] }));
  });
});

describe('the function', () => {
  const fn = generateTemplate(loadRouteSet('routes'), { stackName: 'demo', function: { timeoutSeconds: 120 } }).Resources;
  it('is the generic runtime with the options given and a fixed role name', () => {
    expect(fn.RouterFunction?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'handler.handler',
      Timeout: 120,
      TracingConfig: { Mode: 'Active' },
      Code: { S3Bucket: { Ref: 'LambdaCodeBucket' }, S3Key: { Ref: 'LambdaCodeKey' } },
    });
    expect(fn.RouterFunctionRole?.Properties?.RoleName).toBe('demo-router-role');
    expect(fn.RouterFunctionLogGroup?.Properties?.LogGroupName).toBe('/aws/lambda/demo-router');
    expect(fn.RouterFunctionDurationAlarm?.Properties?.Threshold).toBe(96_000);
  });
});

describe('AWS limits', () => {
  const template = generateTemplate(loadRouteSet('routes'));
  it('accepts the seed routes', () => {
    expect(() => checkLimits(template, toJson(template).length)).not.toThrow();
  });
  it('fails clearly over 500 resources', () => {
    const big = { ...template, Resources: Object.fromEntries(Array.from({ length: MAX_RESOURCES + 1 }, (_, i) => [`R${i}`, { Type: 'AWS::SQS::Queue' }])) };
    expect(() => checkLimits(big, 1000)).toThrow(GeneratorError);
    expect(() => checkLimits(big, 1000)).toThrow(/501 resources/);
  });
  it('fails clearly over 1 MB', () => {
    expect(() => checkLimits(template, 1_000_001)).toThrow(/1000001 bytes/);
  });
});

describe('writeGenerated', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'switchyard-generate-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes the template and every snippet as 2-space JSON with a trailing newline', () => {
    const written = writeGenerated(loadRouteSet('routes'), out, { deployAccount: '999999999999', region: 'eu-west-1' });
    const paths = written.map((f) => f.path);
    expect(paths).toContain('switchyard-core.json');
    expect(paths).toContain('switchyard-shard-0.json');
    expect(paths).toContain('policies/222222222222/intel-_.json');
    expect(paths).toContain('policies/source-transfer-source.json');
    expect(paths).toContain('bucket-config/metadata-trigger-bucket.lifecycle.json');
    expect(paths).toContain('bucket-config/metadata-trigger-bucket.notification.json');
    for (const file of paths) {
      const text = readFileSync(path.join(out, file), 'utf8');
      expect(text.endsWith('}\n')).toBe(true);
      expect(text).toBe(toJson(JSON.parse(text)));
    }
    const policy = JSON.parse(readFileSync(path.join(out, 'policies/222222222222/intel-_.json'), 'utf8')) as { Statement: Array<{ Principal: { AWS: string } }> };
    // The role of the shard stack that runs the route (each stack's function has its own).
    for (const s of policy.Statement) expect(s.Principal.AWS).toBe('arn:aws:iam::999999999999:role/switchyard-shard-0-router-role');
    const notification = JSON.parse(readFileSync(path.join(out, 'bucket-config/metadata-trigger-bucket.notification.json'), 'utf8')) as {
      QueueConfigurations: Array<{ QueueArn: string }>;
    };
    expect(notification.QueueConfigurations[0]?.QueueArn).toBe('arn:aws:sqs:eu-west-1:999999999999:switchyard-shard-0-metadata-trigger-bucket-events');
  });
});
