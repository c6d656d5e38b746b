/** The base's tests the head does not have are kept: how an event arrived is part of "the same test", as it decides which routes take it. */
import { describe, expect, it } from 'vitest';
import type { ObjectEvent } from '../../../engine/events/object-event.ts';
import { combineCorpora, emptyCorpus, type TestObject } from '../../../engine/impact/corpus.ts';

const event: ObjectEvent = { id: 'e1', origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'inbox', key: 'a.json', eventTime: '2026-12-01T00:00:00.000Z' };
const object = (e: ObjectEvent, test: string): TestObject => ({ event: e, fixtures: emptyCorpus().fixtures, test });

describe('combineCorpora', () => {
  it("keeps a base test of an sqs route's queue beside a head test of the same key delivered bare", () => {
    const head = { ...emptyCorpus(), objects: [object(event, 'head.yaml:3 bare')] };
    const base = { ...emptyCorpus(), objects: [object({ ...event, queueArn: 'arn:aws:sqs:eu-west-1:123456789012:operator' }, 'base.yaml:3 from the queue')] };
    expect(combineCorpora(head, base).objects.map((o) => o.test)).toEqual(['head.yaml:3 bare', 'base.yaml:3 from the queue']);
  });

  it('drops a base test the head has too', () => {
    const head = { ...emptyCorpus(), objects: [object(event, 'head.yaml:3')] };
    const base = { ...emptyCorpus(), objects: [object(event, 'base.yaml:3')] };
    expect(combineCorpora(head, base).objects.map((o) => o.test)).toEqual(['head.yaml:3']);
  });
});
