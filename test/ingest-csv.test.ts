// Ingest reads CSV row by row and never loses a good row: quoted commas, quotes and newlines parse; a
// broken quote costs its own line (quarantined with the reason and line), never the rows after it; an
// over-long line, invalid UTF-8 or an unreadable header cost what they must and carry bounded text.
import { gzipSync } from 'node:zlib';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createIngestActivities } from '../activities/ingest';
import { createSplitActivities } from '../activities/split-csv';
import { defaultFeatureSpec } from '../core/features/default-spec';
import { UnreadableHeaderError } from '../core/features/row-judge';
import { parseFeatureSpec } from '../core/features/spec';
import { putJson } from '../core/storage/blob-store';
import { parseCsvRecord } from '../core/storage/csv-fields';
import { readJsonLines } from '../core/storage/lines';
import { abcRow, abcSpec, readRows } from './helpers/csv-bytes';
import { freshLocalStore } from './helpers/stack';

const HEADER = 'a,b,c,t,y';
const csv = (...lines: string[]) => `${lines.join('\n')}\n`;
const goodRows = (from: number, count: number) => Array.from({ length: count }, (_, i) => abcRow(from + i));
const lineNumbers = (rows: { line: number }[]) => rows.map((r) => r.line);

it('parses fields by RFC 4180 and names malformed quoting', () => {
  expect(parseCsvRecord('1,"a, b","say ""hi""","two\nlines",\r\n')).toEqual(['1', 'a, b', 'say "hi"', 'two\nlines', '']);
  expect(parseCsvRecord('x')).toEqual(['x']);
  expect(parseCsvRecord('1,"open')).toEqual({ error: 'a quoted field is never closed' });
  expect(parseCsvRecord('1,"a"b')).toEqual({ error: 'text after a closing quote in field 2' });
  expect(parseCsvRecord('1,a"b')).toEqual({ error: 'a quote inside unquoted field 2' });
});

describe.each([1, 5, 64 * 1024])('rows read in chunks of %i bytes', (chunkSize) => {
  it("keeps the five good rows between two unclosed quotes (the issue's repro)", async () => {
    const read = await readRows(csv(HEADER, abcRow(1, '"unterminated,x'), ...goodRows(2, 5), abcRow(7, '"unterminated,x'), ...goodRows(8, 3)), { chunkSize });
    expect(lineNumbers(read.rejected)).toEqual([2, 8]);
    expect(read.rejected[0]!.reason).toBe('unparsable CSV: a quoted field is never closed');
    expect(read.accepted.map((r) => r.id)).toEqual(['2', '3', '4', '5', '6', '8', '9', '10']);
  });

  it('costs one line each for unclosed quotes on adjacent lines', async () => {
    const read = await readRows(csv(HEADER, abcRow(1, '"open'), abcRow(2, '"open'), abcRow(3, '"open'), ...goodRows(4, 3)), { chunkSize });
    expect(lineNumbers(read.rejected)).toEqual([2, 3, 4]);
    expect(lineNumbers(read.accepted)).toEqual([5, 6, 7]);
  });

  it('keeps a legal multi-line record right after an unclosed quote', async () => {
    const read = await readRows(csv(HEADER, abcRow(1, '"open'), abcRow(2, '"first line\nsecond, line"'), abcRow(3)), { chunkSize });
    expect(lineNumbers(read.rejected)).toEqual([2]);
    expect(read.accepted).toEqual([
      { line: 3, id: '2', b: 'first line\nsecond, line' },
      { line: 5, id: '3', b: 'hello' },
    ]);
  });

  it('reads quoted commas, doubled quotes and newlines, CRLF endings, a BOM and no final newline', async () => {
    const text = `\uFEFF${[HEADER, abcRow(1, '"Fly, ""now""\r\nor later"'), abcRow(2)].join('\r\n')}`;
    const read = await readRows(text, { chunkSize });
    expect(read.rejected).toEqual([]);
    expect(read.accepted).toEqual([
      { line: 2, id: '1', b: 'Fly, "now"\r\nor later' },
      { line: 4, id: '2', b: 'hello' },
    ]);
  });

  it('costs only its own line for an unclosed quote with no quote after it', async () => {
    const read = await readRows(csv(HEADER, abcRow(1), abcRow(2, '"never closed'), ...goodRows(3, 4)), { chunkSize });
    expect(lineNumbers(read.rejected)).toEqual([3]);
    expect(lineNumbers(read.accepted)).toEqual([2, 4, 5, 6, 7]);
  });

  it('refuses a span that parses by accident when it swallows lines that are rows of their own', async () => {
    // Line 2 opens a quote in b and line 5 closes one in the same column: read as one record it is valid.
    const read = await readRows(csv(HEADER, '1,"open', ...goodRows(2, 2), 'close",3,2026-01-05T10:00:00Z,0', abcRow(9)), { chunkSize });
    expect(lineNumbers(read.rejected)).toEqual([2, 5]);
    expect(read.accepted.map((r) => r.id)).toEqual(['2', '3', '9']);
  });

  it('gives up on a quoted span at the record limit and keeps the rows it ran over', async () => {
    const read = await readRows(csv(HEADER, abcRow(1, '"open'), ...goodRows(2, 30)), { chunkSize, maxRecordBytes: 300 });
    expect(lineNumbers(read.rejected)).toEqual([2]);
    expect(read.accepted).toHaveLength(30);
  });
});

it('costs one bounded quarantine entry for a 10 MB line, in bounded memory', async () => {
  const long = abcRow(2, 'x'.repeat(10 * 1024 * 1024));
  const read = await readRows(csv(HEADER, abcRow(1), long, abcRow(3)));
  expect(lineNumbers(read.accepted)).toEqual([2, 4]);
  expect(read.rejected).toHaveLength(1);
  expect(read.rejected[0]!.reason).toBe(`record longer than 1048576 bytes: ${long.length} bytes`);
  expect(read.rejected[0]!.raw.length).toBeLessThan(4000);
  expect(read.peakBufferedBytes).toBeLessThan(1024 * 1024 + 2 * 64 * 1024);
});

it('quarantines invalid UTF-8 with where it is, and decodes it under a declared encoding', async () => {
  const bytes = Buffer.concat([Buffer.from(csv(HEADER, abcRow(1))), Buffer.from('2,caf'), Buffer.from([0xe9]), Buffer.from(',3,2026-01-05T10:00:00Z,0\n')]);
  const read = await readRows(bytes);
  expect(read.rejected).toEqual([
    {
      line: 3,
      reason: expect.stringMatching(/^invalid UTF-8: byte 5 of the record .*declare the spec's "encoding"/),
      raw: '2,caf\uFFFD,3,2026-01-05T10:00:00Z,0',
    },
  ]);
  const latin1 = await readRows(bytes, { spec: parseFeatureSpec({ ...abcSpec, encoding: 'latin1' }) });
  expect(latin1.accepted.map((r) => r.b)).toEqual(['hello', 'café']);
});

it('fails an unreadable header with a bounded message', async () => {
  const huge = 'x'.repeat(3 * 1024 * 1024);
  await expect(readRows(`${huge}\n${abcRow(1)}\n`)).rejects.toThrow(
    new UnreadableHeaderError(`test.csv has an unreadable header: longer than 1048576 bytes (${huge.length} bytes)`),
  );
  const missing = readRows(`${HEADER.replace('y', huge.slice(0, 100_000))}\n`);
  await expect(missing).rejects.toThrow(/^test.csv lacks required column\(s\) y \(header: a, b, c, t, x{100}.*bytes in all\]\)$/);
  await expect(missing).rejects.toSatisfy((error: Error) => error.message.length < 1500);
});

it('the activity quarantines only the row with a broken quote and keeps every row after it', async () => {
  const store = await freshLocalStore();
  await putJson(store, 'spec.json', defaultFeatureSpec);
  const header = defaultFeatureSpec.columns.map((c) => c.name);
  const row = (id: number, headline: string) =>
    header
      .map(
        (name) =>
          ({
            impression_id: `i${id}`,
            timestamp: '2026-01-05T10:00:00Z',
            ad_id: 'ad-1',
            advertiser: 'acme',
            ad_category: 'travel',
            placement: 'feed',
            device: 'mobile',
            region: 'uk',
            user_interest: 'travel',
            hour_of_day: '10',
            user_age: '30',
            user_sessions_30d: '5',
            user_past_clicks_30d: '1',
            headline,
            image_path: 'images/ad-1.png',
            clicked: '0',
          })[name as 'impression_id'],
      )
      .join(',');
  const lines = [header.join(','), row(1, '"Fly, now"'), row(2, '"Broken quote'), ...Array.from({ length: 5 }, (_, i) => row(i + 3, '"Say ""hi"""'))];
  await store.put('raw/2026-01/one.csv', `\uFEFF${lines.join('\r\n')}\r\n`);

  const ingest = createIngestActivities({ store });
  const result = await new MockActivityEnvironment().run(ingest.ingestFile, {
    month: '2026-01',
    specKey: 'spec.json',
    file: 'raw/2026-01/one.csv',
    part: 0,
    idShards: 1,
  });
  expect(result).toMatchObject({
    rows: 7,
    accepted: 6,
    quarantined: 1,
    reasons: { 'unparsable CSV': 1 },
    idLists: [{ shard: 0, key: 'artifacts/2026-01/ids/shard-00000/part-00000.jsonl.gz' }],
  });
  const quarantined: { line: number; reason: string; raw: string }[] = [];
  for await (const entry of readJsonLines<{ line: number; reason: string; raw: string }>(store, 'artifacts/2026-01/quarantine/part-00000.jsonl'))
    quarantined.push(entry);
  expect(quarantined).toEqual([
    { file: 'raw/2026-01/one.csv', line: 3, reason: 'unparsable CSV: a quoted field is never closed', raw: row(2, '"Broken quote') },
  ]);
});

it('fails a truncated gzip at once, naming the file, whether it is read whole or cut into parts', async () => {
  const store = await freshLocalStore();
  await putJson(store, 'spec.json', abcSpec);
  const gz = gzipSync(csv(HEADER, ...goodRows(1, 20_000)));
  await store.put('raw/2026-01/cut.csv.gz', gz.subarray(0, gz.length >> 1));
  const environment = new MockActivityEnvironment();
  const { ingestFile } = createIngestActivities({ store });
  const { splitCsv } = createSplitActivities({ store });
  const refused = { nonRetryable: true, type: 'UnreadableFile', message: 'raw/2026-01/cut.csv.gz is not whole gzip: unexpected end of file' };
  await expect(environment.run(ingestFile, { month: '2026-01', specKey: 'spec.json', file: 'raw/2026-01/cut.csv.gz', part: 0 })).rejects.toMatchObject(refused);
  await expect(environment.run(splitCsv, { month: '2026-01', specKey: 'spec.json', file: 'raw/2026-01/cut.csv.gz', rowsPerPart: 1000 })).rejects.toMatchObject(
    refused,
  );
});
