import { describe, expect, it } from 'vitest';
import { cleanName, logicalId, queueName, uniqueIdStems } from '../../../generators/cloudformation/names.ts';
import { generateTemplate } from '../../../generators/cloudformation/template.ts';
import type { CfnTemplate } from '../../../generators/cloudformation/types.ts';
import { generateDeployment } from '../../../generators/deployment.ts';
import { generatePolicyFiles } from '../../../generators/policies/index.ts';
import { stackOfRoute } from '../../../generators/write.ts';
import { compileRouteFiles } from './synthetic-routes.ts';

/** What SQS accepts as a queue name. */
const SQS_NAME = /^[A-Za-z0-9_-]{1,80}$/;

const notified = (name: string, bucket: string): [string, string] => [
  `routes/${name}.yaml`,
  `name: ${name}\nsource: { bucket: ${bucket}, trigger: s3-notification }\nactions:\n  - copy: { to: out-bucket, key: $key }\n`,
];

const LONG_DOTTED = 'acme.data.eu-west-1.landing.zone.for.partner.feeds.2024.archive';

const routes = compileRouteFiles(Object.fromEntries([notified('hyphens', 'acme-data'), notified('dots', 'acme.data'), notified('long', LONG_DOTTED)]));

function ofType(template: CfnTemplate, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(template.Resources).flatMap(([id, r]) => (r.Type === type ? [[id, r.Properties ?? {}] as [string, Record<string, unknown>]] : []));
}

describe('intake queues of buckets whose names SQS does not allow', () => {
  const template = generateTemplate(routes);
  const queueNames = ofType(template, 'AWS::SQS::Queue').map(([, p]) => p.QueueName as string);

  it('every queue name is one SQS accepts, and no two are the same', () => {
    for (const name of queueNames) expect(name).toMatch(SQS_NAME);
    expect(new Set(queueNames).size).toBe(queueNames.length);
  });

  it('a bucket whose name needed no cleaning keeps the queue name and logical ids it was deployed with', () => {
    expect(template.Resources.AcmeDataNotificationQueue?.Properties?.QueueName).toBe('switchyard-acme-data-events');
    expect(template.Resources.AcmeDataNotificationDeadLetterQueue?.Properties?.QueueName).toBe('switchyard-acme-data-events-dlq');
    expect(Object.keys(template.Resources)).toEqual(expect.arrayContaining(['AcmeDataNotificationQueuePolicy', 'AcmeDataNotificationMapping']));
  });

  it('each of acme-data and acme.data has its own queue, dead-letter queue, queue policy, mapping and outputs', () => {
    const policySources = ofType(template, 'AWS::SQS::QueuePolicy').map(([, p]) => JSON.stringify(p)).filter((p) => p.includes('s3:::acme'));
    expect(policySources.filter((p) => p.includes('s3:::acme-data"')).length).toBe(1);
    expect(policySources.filter((p) => p.includes('s3:::acme.data"')).length).toBe(1);
    expect(ofType(template, 'AWS::Lambda::EventSourceMapping').length).toBe(3);
    expect(ofType(template, 'AWS::SQS::Queue').filter(([id]) => id.endsWith('NotificationQueue')).length).toBe(3);
    expect(Object.keys(template.Outputs).filter((id) => id.endsWith('NotificationQueueArn')).length).toBe(3);
  });

  it('the notification configuration written for the bucket owner names the queue the template creates for that bucket', () => {
    const deployment = generateDeployment(routes);
    const created = new Set(deployment.stacks.flatMap((s) => ofType(s.template, 'AWS::SQS::Queue').map(([, p]) => p.QueueName as string)));
    const files = generatePolicyFiles(routes, {}, stackOfRoute(deployment)).filter((f) => f.path.endsWith('.notification.json'));
    expect(files.map((f) => f.path).sort()).toEqual(['bucket-config/acme-data.notification.json', 'bucket-config/acme.data.notification.json', `bucket-config/${LONG_DOTTED}.notification.json`].sort());
    for (const file of files) {
      const arn = (file.document as { QueueConfigurations: Array<{ QueueArn: string }> }).QueueConfigurations[0]?.QueueArn ?? '';
      expect(created.has(arn.split(':').pop() ?? '')).toBe(true);
    }
  });
});

describe('queueName', () => {
  const cases: Array<{ name: string; stack: string; bucket: string; suffix: string; expected?: string }> = [
    { name: 'a clean name is kept as it was', stack: 'switchyard-shard-0', bucket: 'acme-data', suffix: 'events', expected: 'switchyard-shard-0-acme-data-events' },
    { name: 'dots become hyphens, with a hash so acme.data is not acme-data', stack: 'switchyard-shard-0', bucket: 'acme.data', suffix: 'events' },
    { name: 'a 63-character bucket with dots fits in 80 characters with its suffix', stack: 'switchyard-shard-0101', bucket: LONG_DOTTED, suffix: 'events-dlq' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const name = queueName(c.stack, c.bucket, c.suffix);
      expect(name).toMatch(SQS_NAME);
      expect(name.endsWith(`-${c.suffix}`)).toBe(true);
      if (c.expected !== undefined) expect(name).toBe(c.expected);
    });
  }

  it('names that differ only where SQS disallows a character stay different', () => {
    expect(queueName('s', 'acme.data', 'events')).not.toBe(queueName('s', 'acme-data', 'events'));
    expect(cleanName('a.b', 80, /[^a-z-]/g)).not.toBe(cleanName('a-b', 80, /[^a-z-]/g));
  });
});

describe('uniqueIdStems', () => {
  const cases: Array<{ name: string; names: string[]; plain: string[] }> = [
    { name: 'names whose pascal forms differ keep them (the ids they were deployed with)', names: ['acme-data', 'logs-2024', 'b'], plain: ['acme-data', 'logs-2024', 'b'] },
    { name: 'of acme-data and acme.data, acme-data (the spelling AcmeData reads back to) keeps AcmeData', names: ['acme.data', 'acme-data'], plain: ['acme-data'] },
    { name: 'of a-1b and a1b, a1b keeps A1b', names: ['a-1b', 'a1b'], plain: ['a1b'] },
    { name: 'the same queue name in two accounts: the first keeps it', names: ['arn:aws:sqs:eu-west-1:111111111111:orders', 'arn:aws:sqs:eu-west-1:222222222222:orders'], plain: ['arn:aws:sqs:eu-west-1:111111111111:orders'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const stems = uniqueIdStems(c.names, (n) => n.split(':').pop() ?? n);
      expect(new Set(stems.values()).size).toBe(c.names.length);
      for (const name of c.names) {
        const plain = logicalId(name.split(':').pop() ?? name, '');
        if (c.plain.includes(name)) expect(stems.get(name)).toBe(plain);
        else expect(stems.get(name)).toMatch(new RegExp(`^${plain}[0-9a-f]{8}$`));
      }
    });
  }

  it('a stem that would start with a digit starts with N, hash or not', () => {
    const stems = uniqueIdStems(['1abc', 'n1abc', '1-abc']);
    for (const stem of stems.values()) expect(stem).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
  });
});
