// A month may arrive as one huge CSV: cut it into parts of whole records, each with the header, so
// the ingest fan-out can spread it over workers. Parts remember where they started in the source,
// so quarantined rows still name the source file and line.
import { heartbeat, log } from '@temporalio/activity';
import type { BlobStore } from '../core/storage/blob-store';
import { csvRecords } from '../core/storage/csv-records';
import { readMaybeGzipped, StreamingWriter } from '../core/storage/lines';
import { monthArtifacts } from '../core/pipeline/layout';

export interface CsvPart {
  key: string;
  /** The source file this part was cut from. */
  source: string;
  /** Line, in the source file, of the part's first data record (the header is line 1). */
  firstLine: number;
}

export function createSplitActivities(deps: { store: BlobStore }) {
  const { store } = deps;
  return {
    async splitCsv(input: { month: string; file: string; rowsPerPart: number }): Promise<CsvPart[]> {
      const parts: CsvPart[] = [];
      let header: Buffer | undefined;
      let out: StreamingWriter | undefined;
      let rowsInPart = 0;
      let line = 1;
      const finishPart = async () => {
        await out?.close();
        out = undefined;
      };
      for await (const record of csvRecords(readMaybeGzipped(store, input.file))) {
        if (!header) {
          header = record.bytes;
          line += record.lines;
          continue;
        }
        if (!out || rowsInPart >= input.rowsPerPart) {
          await finishPart();
          const key = monthArtifacts(input.month).splitPart(input.file, parts.length);
          parts.push({ key, source: input.file, firstLine: line });
          out = new StreamingWriter(store, key, 'text/csv');
          await out.write(header);
          rowsInPart = 0;
          heartbeat({ parts: parts.length, line });
        }
        await out.write(record.bytes);
        rowsInPart += 1;
        line += record.lines;
      }
      await finishPart();
      log.info('csv split', { file: input.file, parts: parts.length, lines: line - 1 });
      return parts;
    },
  };
}
