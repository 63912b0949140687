// The byte-level reader: whole RFC 4180 records with their line numbers, in any chunking; a rejected
// multi-line record is read again from its second line; memory stays bounded on an endless line.
import { describe, expect, it } from 'vitest';
import { CsvRecordReader } from '../core/storage/csv-record-reader';
import { chunksOf } from './helpers/csv-bytes';

async function records(csv: string | Buffer, chunkSize: number, maxRecordBytes = 1024) {
  const reader = new CsvRecordReader(chunksOf(csv, chunkSize), maxRecordBytes);
  const out: { text: string; line: number; lines: number; overLong?: number }[] = [];
  for (let r = await reader.next(); r; r = await reader.next())
    out.push({ text: r.bytes.toString('utf8'), line: r.line, lines: r.lines, ...(r.overLong ? { overLong: r.overLong } : {}) });
  return out;
}

describe.each([1, 3, 64 * 1024])('in chunks of %i bytes', (chunkSize) => {
  it('cuts bytes into whole records: quoted newlines, doubled quotes, CRLF, no trailing newline', async () => {
    expect(await records('id,headline\r\n1,"two\nlines"\r\n2,"say ""hi"", twice"\r\n3,ünïcödé\r\n4,last', chunkSize)).toEqual([
      { text: 'id,headline\r\n', line: 1, lines: 1 },
      { text: '1,"two\nlines"\r\n', line: 2, lines: 2 },
      { text: '2,"say ""hi"", twice"\r\n', line: 4, lines: 1 },
      { text: '3,ünïcödé\r\n', line: 5, lines: 1 },
      { text: '4,last', line: 6, lines: 1 },
    ]);
  });

  it('reads the same records in batches, each ending at the first record of several lines', async () => {
    const csv = `h\n1,"two\nlines"\n2,x\n${'y'.repeat(80)}\n3,"open\n4\n5,"x\n6\n7,last`;
    const reader = new CsvRecordReader(chunksOf(csv, chunkSize), 50);
    const got = [];
    for (let batch = await reader.nextBatch(); batch.length > 0; batch = await reader.nextBatch()) {
      expect(batch.slice(0, -1).map((r) => r.lines)).toEqual(batch.slice(0, -1).map(() => 1));
      for (const r of batch) got.push({ text: r.bytes.toString('utf8'), line: r.line, lines: r.lines, ...(r.overLong ? { overLong: r.overLong } : {}) });
    }
    expect(got).toEqual(await records(csv, chunkSize, 50));
    expect(got.map((r) => [r.line, r.lines])).toEqual([
      [1, 1],
      [2, 2],
      [4, 1],
      [5, 1],
      [6, 3],
      [9, 1],
      [10, 1],
    ]);
  });

  it('reads a rejected multi-line record again from its second line', async () => {
    const reader = new CsvRecordReader(chunksOf('h\n1,"open\n2\n3,"x\n4\n', chunkSize), 1024);
    const first = (await reader.next())!;
    expect(first).toMatchObject({ line: 1, lines: 1 });
    const span = (await reader.next())!;
    expect([span.bytes.toString(), span.line, span.lines]).toEqual(['1,"open\n2\n3,"x\n', 2, 3]);
    reader.rescanAfterFirstLine();
    const rest = [];
    for (let r = await reader.next(); r; r = await reader.next()) rest.push([r.bytes.toString(), r.line, r.lines]);
    // '3,"x' opens a quote again and runs to the end of the input, where its caller would rescan once more.
    expect(rest).toEqual([
      ['2\n', 3, 1],
      ['3,"x\n4\n', 4, 2],
    ]);
  });

  it('returns a quote that never closes to the end of the input as one record', async () => {
    expect(await records('h\n1,"open\n2\n3', chunkSize)).toEqual([
      { text: 'h\n', line: 1, lines: 1 },
      { text: '1,"open\n2\n3', line: 2, lines: 3 },
    ]);
  });

  it('gives back only the first line of a quoted span longer than the limit', async () => {
    const filler = Array.from({ length: 20 }, (_, i) => `row ${i}\n`).join('');
    const got = await records(`h\n1,"open\n${filler}`, chunkSize, 50);
    expect(got[1]).toEqual({ text: '1,"open\n', line: 2, lines: 1 });
    expect(got.slice(2, 4)).toEqual([
      { text: 'row 0\n', line: 3, lines: 1 },
      { text: 'row 1\n', line: 4, lines: 1 },
    ]);
    expect(got).toHaveLength(22);
  });
});

it('skips a 10 MB line in bounded memory and reports its length', async () => {
  const chunk = 64 * 1024;
  const limit = 1024 * 1024;
  const long = Buffer.alloc(10 * 1024 * 1024, 'x'.charCodeAt(0));
  const csv = Buffer.concat([Buffer.from('h\n'), long, Buffer.from('\r\nnext\n')]);
  const reader = new CsvRecordReader(chunksOf(csv, chunk), limit);
  await reader.next();
  const over = (await reader.next())!;
  expect(over).toMatchObject({ line: 2, lines: 1, overLong: long.length });
  expect(over.bytes.length).toBe(limit);
  expect((await reader.next())!.bytes.toString()).toBe('next\n');
  expect(reader.peakBufferedBytes).toBeLessThanOrEqual(limit + 2 * chunk);
});
