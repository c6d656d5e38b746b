/**
 * A scripted stand-in for CloudFormationClient in unit tests of one deploy module: each
 * command name answers from a queue of responses (the last one repeats), and every call is
 * recorded with its input.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';

type Answer = Record<string, unknown> | Error;

export interface FakeCloudFormation {
  client: CloudFormationClient;
  calls: Array<{ command: string; input: Record<string, unknown> }>;
  commandsCalled(): string[];
}

export function fakeCloudFormation(script: Record<string, Answer[]>): FakeCloudFormation {
  const calls: FakeCloudFormation['calls'] = [];
  const queues = new Map(Object.entries(script).map(([k, v]) => [k, [...v]]));
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> => {
    const name = command.constructor.name.replace(/Command$/, '');
    calls.push({ command: name, input: command.input });
    const queue = queues.get(name);
    if (!queue || queue.length === 0) throw new Error(`the fake has no answer for ${name}`);
    const answer = queue.length > 1 ? queue.shift() : queue[0];
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { client: { send } as unknown as CloudFormationClient, calls, commandsCalled: () => calls.map((c) => c.command) };
}

/** An SDK-shaped service error (name = the service's error code). */
export function serviceError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
