/**
 * moto 5.2.1 answers SESv2 contact calls with ISO-8601 timestamps where SESv2 sends epoch
 * seconds, and the SDK refuses to parse them. This test-only middleware rewrites those two
 * fields in the raw response so the real adapter code can run against moto unchanged.
 */
import { Readable } from 'node:stream';
import type { SESv2Client } from '@aws-sdk/client-sesv2';

const TIMESTAMP_FIELDS = /"(CreatedTimestamp|LastUpdatedTimestamp)": "([^"]+)"/g;

interface RawResponse {
  response: { body?: unknown };
}

export function acceptMotoSesv2Timestamps(client: SESv2Client): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = (await next(args)) as RawResponse;
      const body = result.response.body;
      if (!(body instanceof Readable)) return result as Awaited<ReturnType<typeof next>>;
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
      const text = Buffer.concat(chunks)
        .toString('utf8')
        .replace(TIMESTAMP_FIELDS, (_match, name: string, iso: string) => `"${name}": ${Date.parse(iso) / 1000}`);
      result.response.body = Readable.from([Buffer.from(text)]);
      return result as Awaited<ReturnType<typeof next>>;
    },
    { step: 'deserialize', priority: 'low', name: 'acceptMotoSesv2Timestamps' },
  );
}
