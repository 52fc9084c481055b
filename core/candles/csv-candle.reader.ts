import { setImmediate as nextTurn } from 'node:timers/promises';
import { parse, type CsvError, type Parser } from 'csv-parse';
import { parseDecimal, parseTime, VALUE_NAMES, type CandleFileReader, type FileEntry } from './candle-checks';

/** Header names taken as the open time, best first (freqtrade writes `open_time_ms,open_time_utc`). */
const TIME_NAMES = ['time', 'timestamp', 'date', 'datetime', 'open_time', 'open_time_ms', 'open_time_utc', 'opentime'];
const DELIMITERS = [',', ';', '\t'];
// A header line longer than this is not a header: stop waiting for its end.
const MAX_HEADER = 64 * 1024;

const QUOTE_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'guillemet ouvert jamais fermé',
  CSV_INVALID_CLOSING_QUOTE: 'caractère collé après un guillemet fermant',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'caractère collé après un guillemet fermant',
};

/** Line breaks inside quoted fields: the lines a record spans beyond its first (csv-parse's `info` costs more). */
function newlinesIn(record: string[]): number {
  let count = 0;
  for (const cell of record) {
    for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) count++;
  }
  return count;
}

/**
 * CSV with a header line naming `time` (or timestamp, date, open_time…), open, high, low, close and volume in any
 * order, separated by `,`, `;` or tabs (told from the header line), quoted fields and a BOM allowed. Parsed by
 * csv-parse; line numbers are those of the file, counting the header as line 1.
 */
export class CsvCandleReader implements CandleFileReader {
  readonly unit = 'lignes invalides';
  private parser?: Parser;
  private head = '';
  private pendingCr = false;
  private records: string[][] = [];
  private failure?: CsvError;
  private stopped = false;
  private lastLine = 0;
  private columns?: number[];
  private decimalComma = false;

  label(ref: number): string {
    return `ligne ${ref}`;
  }

  async push(chunk: string): Promise<FileEntry[]> {
    if (this.stopped) return [];
    const text = this.lines(chunk);
    if (!this.parser) {
      this.head += text;
      if (!this.head.includes('\n') && this.head.length < MAX_HEADER) return [];
      this.start();
      return this.settle();
    }
    this.parser.write(text);
    return this.settle();
  }

  async end(): Promise<FileEntry[]> {
    if (this.stopped) return [];
    const rest = this.pendingCr ? '\n' : '';
    if (!this.parser) {
      this.head += rest;
      this.start();
    } else if (rest) this.parser.write(rest);
    const parser = this.parser!;
    const done = new Promise<void>((resolve) => {
      parser.once('end', resolve);
      parser.once('error', () => resolve());
      parser.once('close', resolve);
    });
    parser.end();
    await done;
    const entries = this.drain();
    if (!this.columns && !this.stopped) entries.push(this.fatal(1, 'fichier vide : en-tête attendu'));
    return entries;
  }

  /** CRLF and CR become LF, so csv-parse counts lines as an editor does, even inside quoted fields. */
  private lines(chunk: string): string {
    let text = this.pendingCr ? `\r${chunk}` : chunk;
    this.pendingCr = text.endsWith('\r');
    if (this.pendingCr) text = text.slice(0, -1);
    return text.replace(/\r\n?/g, '\n');
  }

  private start(): void {
    const newline = this.head.indexOf('\n');
    const header = newline < 0 ? this.head : this.head.slice(0, newline);
    const counts = DELIMITERS.map((d) => header.split(d).length);
    const delimiter = DELIMITERS[counts.indexOf(Math.max(...counts))];
    // Spreadsheets that separate with `;` write decimals with a comma.
    this.decimalComma = delimiter === ';';
    this.parser = parse({
      delimiter,
      record_delimiter: '\n',
      bom: true,
      trim: true,
      relax_column_count: true,
    });
    this.parser.on('data', (r) => this.records.push(r));
    this.parser.on('error', (error: CsvError) => {
      this.failure ??= error;
    });
    this.parser.write(this.head);
    this.head = '';
  }

  /** Lets csv-parse hand over the records of what was written (it delivers them on the next ticks). */
  private async settle(): Promise<FileEntry[]> {
    await nextTurn();
    return this.drain();
  }

  private drain(): FileEntry[] {
    const entries: FileEntry[] = [];
    for (const record of this.records.splice(0)) {
      if (this.stopped) break;
      const line = this.lastLine + 1;
      this.lastLine = line + newlinesIn(record);
      if (!this.columns) {
        const problem = this.header(record);
        if (problem) entries.push(this.fatal(line, problem));
        continue;
      }
      if (record.every((cell) => cell === '')) continue;
      entries.push(this.entry(record, line));
    }
    if (this.failure && !this.stopped) {
      const problem = QUOTE_PROBLEMS[this.failure.code] ?? `CSV illisible (${this.failure.code})`;
      entries.push(this.fatal(this.lastLine + 1, `${problem} : lecture arrêtée à cette ligne`));
    }
    return entries;
  }

  private fatal(line: number, problem: string): FileEntry {
    this.stopped = true;
    this.records = [];
    return { where: this.label(line), ref: line, problem, fatal: true };
  }

  private header(record: string[]): string | null {
    const names = record.map((name) => name.toLowerCase());
    // pandas writes its index (the date) under an empty name.
    let time = TIME_NAMES.map((n) => names.indexOf(n)).find((i) => i >= 0) ?? (names[0] === '' ? 0 : -1);
    if (names.length === 1 && names[0] === '') time = -1;
    const values = VALUE_NAMES.map((n) => names.indexOf(n));
    if (time < 0 || values.some((i) => i < 0)) {
      return `en-tête attendu avec les colonnes time (ou timestamp, date), open, high, low, close, volume ; trouvé « ${record.join(',').slice(0, 80)} »`;
    }
    this.columns = [time, ...values];
    return null;
  }

  private entry(record: string[], line: number): FileEntry {
    const where = this.label(line);
    const columns = this.columns!;
    const needed = Math.max(...columns) + 1;
    if (record.length < needed) {
      return { where, ref: line, problem: `${needed} colonnes attendues, ${record.length} trouvée(s)` };
    }
    const time = parseTime(record[columns[0]]);
    if (!time.ok) return { where, ref: line, problem: time.problem };
    const values: string[] = [];
    for (let k = 0; k < VALUE_NAMES.length; k++) {
      const value = parseDecimal(record[columns[k + 1]], VALUE_NAMES[k], this.decimalComma);
      if (!value.ok) return { where, ref: line, problem: value.problem };
      values.push(value.value);
    }
    return { where, ref: line, time: time.value, values };
  }
}
