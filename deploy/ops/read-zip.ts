/** Reads one file out of a zip (stored or DEFLATE), enough for the router bundle deploy writes. */
import { inflateRawSync } from 'node:zlib';
import { OpsError } from './errors.ts';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_ENTRY = 0x04034b50;

export function readZipEntry(zip: Buffer, name: string): Buffer | undefined {
  return readZipEntries(zip, (entry) => entry === name).get(name);
}

/** Every entry (or those `wanted` names), by name. */
export function readZipEntries(zip: Buffer, wanted: (name: string) => boolean = () => true): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) throw new OpsError('SY403', 'the router bundle is not a zip file');
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_ENTRY) throw new OpsError('SY403', 'the router bundle zip has a damaged central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    const entryName = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (!wanted(entryName)) continue;
    if (zip.readUInt32LE(localOffset) !== LOCAL_ENTRY) throw new OpsError('SY403', `the router bundle zip has a damaged entry ${entryName}`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method === 0) found.set(entryName, Buffer.from(data));
    else if (method === 8) found.set(entryName, inflateRawSync(data));
    else throw new OpsError('SY403', `the router bundle zip stores ${entryName} with compression method ${method}, which this reader does not know`);
  }
  return found;
}
