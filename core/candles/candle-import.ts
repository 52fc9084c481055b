import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Knex } from 'knex';
import { candleProblem, type CandleFileReader } from './candle-checks';
import { importStoreKey } from './candle-sources';
import { CsvCandleReader } from './csv-candle.reader';
import { storeCandles, type BacktestTimeframe, type CandleRow } from './history';
import { JsonCandleReader } from './json-candle.reader';

/** How many problems an import reports; the rest are counted. */
export const MAX_REPORTED = 100;
// Pieces of text handed to a reader between two turns of the event loop: a few milliseconds of work each.
const PIECE = 4 * 1024;
const BATCH = 2000;

/** A file refused: its first problems in file order, and how many bad entries there were in all. */
export class CandleImportError extends Error {
  constructor(
    readonly problems: string[],
    readonly total = problems.length,
    unit = 'lignes invalides',
  ) {
    const more = total - problems.length;
    super([...problems, ...(more > 0 ? [`… et ${more.toLocaleString('fr-FR')} autres ${unit}`] : [])].join('\n'));
  }
}

/** The file is larger than the caller allows. */
export class CandleImportTooLarge extends Error {}

export interface ImportTarget {
  userId: number;
  /** The user's name for the source; stored under an internal key (see candle-sources). */
  source: string;
  symbol: string;
  timeframe: BacktestTimeframe;
  format: 'csv' | 'json';
}

export interface ImportResult {
  received: number;
  stored: number;
  first: string;
  last: string;
}

async function* texts(input: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let bytes = 0;
  for await (const chunk of input) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (bytes > maxBytes) throw new CandleImportTooLarge(`${maxBytes} octets au plus`);
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (let i = 0; i < text.length; i += PIECE) yield text.slice(i, i + PIECE);
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Imports a CSV or freqtrade JSON file into the user's source, all or nothing: one transaction, nothing kept when
 * any entry is bad. The file is read a piece at a time, yielding to the event loop between pieces, and candles are
 * written as they come (rolled back on the first problem), so neither a big file nor a file of bad lines holds the
 * process: only the first MAX_REPORTED problems are kept, the others counted.
 */
export async function importCandles(
  db: Knex,
  target: ImportTarget,
  input: AsyncIterable<Buffer | string>,
  maxBytes = Infinity,
): Promise<ImportResult> {
  const reader: CandleFileReader = target.format === 'csv' ? new CsvCandleReader() : new JsonCandleReader();
  return db.transaction(async (trx) => {
    const key = {
      source: await importStoreKey(trx, target.userId, target.source),
      symbol: target.symbol,
      timeframe: target.timeframe,
    };
    const problems: string[] = [];
    let bad = 0;
    const seen = new Map<number, number>();
    let batch: CandleRow[] = [];
    let previous: number | undefined;
    let [received, stored, first, last] = [0, 0, Infinity, -Infinity];

    const take = async (entries: Awaited<ReturnType<CandleFileReader['push']>>) => {
      for (const entry of entries) {
        let problem = 'problem' in entry ? entry.problem : null;
        if (!('problem' in entry)) {
          problem = candleProblem(entry.time, entry.values, target.timeframe, previous);
          previous = entry.time;
          const twin = seen.get(entry.time);
          if (!problem && twin !== undefined) problem = `date en double (déjà ${reader.label(twin)})`;
          if (!problem) {
            seen.set(entry.time, entry.ref);
            received++;
            first = Math.min(first, entry.time);
            last = Math.max(last, entry.time);
            if (bad === 0) batch.push([entry.time, ...entry.values] as CandleRow);
          }
        }
        if (problem) {
          bad++;
          batch = [];
          if (problems.length < MAX_REPORTED) problems.push(`${entry.where} : ${problem}`);
        }
      }
      if (bad === 0 && batch.length >= BATCH) {
        stored += await storeCandles(trx, key, batch);
        batch = [];
      }
    };

    for await (const text of texts(input, maxBytes)) {
      await take(await reader.push(text));
      await nextTurn();
    }
    await take(await reader.end());
    if (bad > 0) throw new CandleImportError(problems, bad, reader.unit);
    if (received === 0) throw new CandleImportError(['aucune bougie dans le fichier']);
    stored += await storeCandles(trx, key, batch);
    return { received, stored, first: new Date(first).toISOString(), last: new Date(last).toISOString() };
  });
}
