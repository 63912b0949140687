// Ingest reads CSV record by record: quoted commas, quotes and newlines parse; a broken quote costs
// its own row (quarantined with the reason and line), never the rows after it.
import { Readable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { expect, it } from 'vitest';
import { createIngestActivities } from '../activities/ingest';
import { defaultFeatureSpec } from '../core/features/default-spec';
import { putJson } from '../core/storage/blob-store';
import { csvRecords, parseCsvRecord } from '../core/storage/csv-records';
import { readJsonLines } from '../core/storage/lines';
import { freshLocalStore } from './helpers/stack';

async function records(csv: string, maxRecordLines?: number) {
  const out: { text: string; lines: number; unbalanced?: true }[] = [];
  const bytes = [...Buffer.from(csv)].map((byte) => Buffer.from([byte]));
  for await (const r of csvRecords(Readable.from(bytes), maxRecordLines)) out.push({ text: r.bytes.toString('utf8'), lines: r.lines, ...(r.unbalanced ? { unbalanced: r.unbalanced } : {}) });
  return out;
}

it('cuts CSV bytes into whole records only', async () => {
  expect(await records('id,headline\r\n1,"two\nlines"\r\n2,"say ""hi"", twice"\r\n3,ünïcödé\r\n4,last without newline')).toEqual([
    { text: 'id,headline\r\n', lines: 1 },
    { text: '1,"two\nlines"\r\n', lines: 2 },
    { text: '2,"say ""hi"", twice"\r\n', lines: 1 },
    { text: '3,ünïcödé\r\n', lines: 1 },
    { text: '4,last without newline\n', lines: 1 },
  ]);
});

it('cuts an unclosed quote back to its own line, mid-stream and at the end', async () => {
  expect(await records('a\n"open\nb\nc\nd\ne\n', 2)).toEqual([
    { text: 'a\n', lines: 1 },
    { text: '"open\n', lines: 1, unbalanced: true },
    { text: 'b\n', lines: 1 }, { text: 'c\n', lines: 1 }, { text: 'd\n', lines: 1 }, { text: 'e\n', lines: 1 },
  ]);
  expect(await records('a\n"open\nb\nc\n')).toEqual([
    { text: 'a\n', lines: 1 }, { text: '"open\n', lines: 1, unbalanced: true }, { text: 'b\n', lines: 1 }, { text: 'c\n', lines: 1 },
  ]);
});

it('parses fields by RFC 4180 and names malformed quoting', () => {
  expect(parseCsvRecord('1,"a, b","say ""hi""","two\nlines",\r\n')).toEqual(['1', 'a, b', 'say "hi"', 'two\nlines', '']);
  expect(parseCsvRecord('x')).toEqual(['x']);
  expect(parseCsvRecord('1,"open')).toEqual({ error: 'a quoted field is never closed' });
  expect(parseCsvRecord('1,"a"b')).toEqual({ error: 'text after a closing quote in field 2' });
  expect(parseCsvRecord('1,a"b')).toEqual({ error: 'a quote inside unquoted field 2' });
});

it('quarantines only the row with a broken quote and keeps every row after it', async () => {
  const store = await freshLocalStore();
  await putJson(store, 'spec.json', defaultFeatureSpec);
  const header = defaultFeatureSpec.columns.map((c) => c.name);
  const row = (id: number, headline: string) => header.map((name) => ({
    impression_id: `i${id}`, timestamp: '2026-01-05T10:00:00Z', ad_id: 'ad-1', advertiser: 'acme', ad_category: 'travel', placement: 'feed',
    device: 'mobile', region: 'uk', user_interest: 'travel', hour_of_day: '10', user_age: '30', user_sessions_30d: '5', user_past_clicks_30d: '1',
    headline, image_path: 'images/ad-1.png', clicked: '0',
  })[name as 'impression_id']).join(',');
  const lines = [header.join(','), row(1, '"Fly, now"'), row(2, '"Broken quote'), ...Array.from({ length: 5 }, (_, i) => row(i + 3, '"Say ""hi"""'))];
  await store.put('raw/2026-01/one.csv', `\uFEFF${lines.join('\r\n')}\r\n`);

  const ingest = createIngestActivities({ store });
  const result = await new MockActivityEnvironment().run(ingest.ingestFile, { month: '2026-01', specKey: 'spec.json', file: 'raw/2026-01/one.csv', part: 0 });
  expect(result).toMatchObject({ rows: 7, accepted: 6, quarantined: 1 });
  const quarantined: { line: number; reason: string }[] = [];
  for await (const entry of readJsonLines<{ line: number; reason: string }>(store, 'artifacts/2026-01/quarantine/part-00000.jsonl')) quarantined.push(entry);
  expect(quarantined).toEqual([expect.objectContaining({ line: 3, reason: 'unparsable CSV: a quote that never closes' })]);
});
