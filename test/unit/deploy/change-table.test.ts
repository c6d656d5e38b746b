import { describe, expect, it } from 'vitest';
import { formatChangeTable } from '../../../deploy/change-table.ts';
import type { ResourceChangeRow } from '../../../deploy/changeset.ts';

const row = (action: string, logicalId: string, type: string, replacement: ResourceChangeRow['replacement']): ResourceChangeRow => ({ action, logicalId, type, replacement });

describe('formatChangeTable', () => {
  const cases: Array<{ name: string; rows: ResourceChangeRow[]; expected: string[] }> = [
    {
      name: 'sorts Add, Modify, Remove then by logical id, pads columns, and sums up with replacements',
      rows: [
        row('Remove', 'OldQueue', 'AWS::SQS::Queue', '-'),
        row('Modify', 'RouterFunction', 'AWS::Lambda::Function', 'no'),
        row('Add', 'NewRule', 'AWS::Events::Rule', '-'),
        row('Modify', 'IngestQueue', 'AWS::SQS::Queue', 'yes'),
        row('Modify', 'Bucket', 'AWS::S3::Bucket', 'conditional'),
      ],
      expected: [
        'Action  LogicalId       Type                   Replacement',
        '------  --------------  ---------------------  -----------',
        'Add     NewRule         AWS::Events::Rule      -',
        'Modify  Bucket          AWS::S3::Bucket        conditional',
        'Modify  IngestQueue     AWS::SQS::Queue        yes',
        'Modify  RouterFunction  AWS::Lambda::Function  no',
        'Remove  OldQueue        AWS::SQS::Queue        -',
        '1 to add, 3 to modify, 1 to remove (1 replaced, 1 may be replaced).',
      ],
    },
    {
      name: 'an empty change set (only parameters changed, as moto reports it) still has headings and a summary',
      rows: [],
      expected: ['Action  LogicalId  Type  Replacement', '------  ---------  ----  -----------', '0 to add, 0 to modify, 0 to remove.'],
    },
  ];
  for (const c of cases) it(c.name, () => expect(formatChangeTable(c.rows)).toEqual(c.expected));
});
