/**
 * A walk through a JSONPath state machine definition, enough of ASL to follow the data the
 * batch state machine passes between its states: InputPath, Parameters (`"x.$"` fields),
 * ResultSelector, ResultPath, Catch, Choice (StringEquals), Pass, Succeed, Fail. Tasks are
 * answered by a fake; a Map is entered but its items are not run (its batch input is
 * evaluated, so a test can check what each batch would receive).
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type State = { [key: string]: Json };

export interface WalkContext {
  executionName: string;
  startTime: string;
}

export interface TaskCall {
  state: string;
  parameters: Json;
}

/** Answers a Task: a result, or a thrown `{ Error, Cause }`. */
export type TaskAnswer = (call: TaskCall) => { result: Json } | { error: string; cause: string };

export interface Walk {
  visited: string[];
  calls: TaskCall[];
  /** What each Map's ItemBatcher.BatchInput evaluates to, by state name. */
  batchInputs: Record<string, Json>;
  end: { type: 'Succeed'; output: Json } | { type: 'Fail'; error: string; cause: string };
}

export function read(data: Json, path: string, context: WalkContext): Json {
  if (path === '$$.Execution.Name') return context.executionName;
  if (path === '$$.Execution.StartTime') return context.startTime;
  if (path === '$') return data;
  if (!path.startsWith('$.')) throw new Error(`unsupported path ${path}`);
  let value: Json = data;
  for (const part of path.slice(2).split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !(part in value)) throw new Error(`States.Runtime: ${path} not found`);
    value = value[part] ?? null;
  }
  return value;
}

function write(data: Json, path: string | null, value: Json): Json {
  if (path === null) return data;
  if (path === '$') return value;
  const parts = path.slice(2).split('.');
  const root: { [key: string]: Json } = data !== null && typeof data === 'object' && !Array.isArray(data) ? { ...data } : {};
  let target = root;
  parts.forEach((part, index) => {
    if (index === parts.length - 1) target[part] = value;
    else {
      const next = target[part];
      const copy: { [key: string]: Json } = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...next } : {};
      target[part] = copy;
      target = copy;
    }
  });
  return root;
}

export function template(shape: Json, data: Json, context: WalkContext): Json {
  if (shape === null || typeof shape !== 'object') return shape;
  if (Array.isArray(shape)) return shape.map((s) => template(s, data, context));
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(shape)) {
    if (key.endsWith('.$')) out[key.slice(0, -2)] = read(data, String(value), context);
    else out[key] = template(value, data, context);
  }
  return out;
}

export function walk(definition: State, input: Json, answer: TaskAnswer, context: WalkContext): Walk {
  const states = definition.States as { [name: string]: State };
  const result: Omit<Walk, 'end'> = { visited: [], calls: [], batchInputs: {} };
  let name = String(definition.StartAt);
  let data = input;
  for (let step = 0; step < 100; step++) {
    const state = states[name];
    if (state === undefined) throw new Error(`no state ${name}`);
    result.visited.push(name);
    const effective = typeof state.InputPath === 'string' ? read(data, state.InputPath, context) : data;
    const resultPath = state.ResultPath === undefined ? '$' : (state.ResultPath as string | null);
    switch (state.Type) {
      case 'Succeed':
        return { ...result, end: { type: 'Succeed', output: data } };
      case 'Fail':
        return { ...result, end: { type: 'Fail', error: String(state.Error), cause: String(state.Cause) } };
      case 'Pass':
        data = write(data, resultPath, effective);
        name = String(state.Next);
        continue;
      case 'Choice': {
        const choices = state.Choices as Array<{ Variable: string; StringEquals: string; Next: string }>;
        name = choices.find((c) => read(data, c.Variable, context) === c.StringEquals)?.Next ?? String(state.Default);
        continue;
      }
      case 'Map': {
        const batcher = state.ItemBatcher as { BatchInput: Json };
        result.batchInputs[name] = template(batcher.BatchInput, effective, context);
        data = write(data, resultPath, []);
        name = String(state.Next);
        continue;
      }
      case 'Task': {
        const call = { state: name, parameters: template(state.Parameters ?? null, effective, context) };
        result.calls.push(call);
        const answered = answer(call);
        if ('error' in answered) {
          const catcher = (state.Catch as Array<{ ErrorEquals: string[]; ResultPath: string; Next: string }> | undefined)?.find(
            (c) => c.ErrorEquals.includes('States.ALL') || c.ErrorEquals.includes(answered.error),
          );
          if (catcher === undefined) return { ...result, end: { type: 'Fail', error: answered.error, cause: answered.cause } };
          data = write(data, catcher.ResultPath, { Error: answered.error, Cause: answered.cause });
          name = catcher.Next;
          continue;
        }
        const selected = state.ResultSelector === undefined ? answered.result : template(state.ResultSelector, answered.result, context);
        data = write(data, resultPath, selected);
        name = String(state.Next);
        continue;
      }
      default:
        throw new Error(`unsupported state type ${String(state.Type)}`);
    }
  }
  throw new Error('the walk did not end within 100 states');
}
