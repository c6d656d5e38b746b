import { RejectedInput } from './outcome.ts';
import { describeValue, pathValue } from './shape.ts';

/** Field readers for one record; each throws RejectedInput naming the record and the field. */
export interface FieldReader {
  requiredText(path: string): string;
  optionalText(path: string): string | undefined;
  optionalSize(path: string): number | undefined;
}

export function fieldReader(root: unknown, label: string): FieldReader {
  return {
    requiredText(path) {
      const value = pathValue(root, path);
      if (value === undefined || value === null || value === '') throw new RejectedInput(`${label} has no ${path}`);
      if (typeof value !== 'string') {
        throw new RejectedInput(`${label} has ${path} as ${describeValue(value)}, expected a string`);
      }
      return value;
    },
    optionalText(path) {
      const value = pathValue(root, path);
      if (value === undefined || value === null || value === '') return undefined;
      if (typeof value !== 'string') {
        throw new RejectedInput(`${label} has ${path} as ${describeValue(value)}, expected a string`);
      }
      return value;
    },
    optionalSize(path) {
      const value = pathValue(root, path);
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw new RejectedInput(`${label} has ${path} ${JSON.stringify(value)}, expected a byte count`);
      }
      return value;
    },
  };
}

/** ETags arrive quoted from some sources (`"abc"`); ObjectEvent carries them bare. */
export function unquoteETag(eTag: string | undefined): string | undefined {
  if (eTag === undefined) return undefined;
  const bare = eTag.replace(/^"(.*)"$/, '$1');
  return bare === '' ? undefined : bare;
}

/** S3 reports "null" as the version of an object written while versioning was off; that names no version. */
export function realVersionId(versionId: string | undefined): string | undefined {
  return versionId === 'null' ? undefined : versionId;
}
