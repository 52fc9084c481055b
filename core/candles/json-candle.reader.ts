import {
  epochTime,
  jsonDecimal,
  parseTime,
  VALUE_NAMES,
  type CandleFileReader,
  type Checked,
  type FileEntry,
} from './candle-checks';

type State = 'open' | 'first' | 'next' | 'element' | 'separator' | 'done' | 'stopped';

const EXPECTED = '[time, open, high, low, close, volume] attendu';
const ARRAY_EXPECTED = 'un tableau [[time, open, high, low, close, volume], …] est attendu';
// A candle is a few dozen characters: past this, an element is not one and its text is not kept.
const MAX_ELEMENT = 1000;
const [SPACE, TAB, LF, CR] = [32, 9, 10, 13];
const [QUOTE, BACKSLASH, COMMA] = [34, 92, 44];
const [OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [91, 93, 123, 125];

// A BOM is read as a space: a file opened as text may still start with one.
const BOM = 0xfeff;
const isSpace = (c: number) => c === SPACE || c === LF || c === CR || c === TAB || c === BOM;

/**
 * freqtrade's JSON, `[[open_time, open, high, low, close, volume], …]`, read a chunk at a time: the outer array is
 * scanned here and each candle parsed on its own, so a 60 MB file is never one JSON.parse. Candles are named
 * « bougie N (ligne L) »: freqtrade writes its files on one line, where only the candle's rank helps.
 */
export class JsonCandleReader implements CandleFileReader {
  readonly unit = 'bougies invalides';
  private state: State = 'open';
  private line = 1;
  private candle = 0;
  private elementLine = 1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private length = 0;

  label(ref: number): string {
    return `bougie ${ref}`;
  }

  async push(chunk: string): Promise<FileEntry[]> {
    const entries: FileEntry[] = [];
    let from = this.state === 'element' ? 0 : -1;
    let i = 0;
    const consume = (c: number) => {
      if (c === LF) this.line++;
      i++;
    };
    while (i < chunk.length && this.state !== 'stopped') {
      const c = chunk.charCodeAt(i);
      if (this.state === 'element') {
        const end = this.scan(c);
        if (end === 'before' || end === 'after') {
          if (end === 'after') consume(c);
          this.keep(chunk.slice(from, i));
          entries.push(this.element());
          this.state = 'separator';
        } else consume(c);
      } else if (isSpace(c)) {
        consume(c);
      } else if (this.state === 'open') {
        if (c !== OPEN_ARRAY) entries.push(this.fatal(ARRAY_EXPECTED));
        else this.state = 'first';
        consume(c);
      } else if (this.state === 'first' || this.state === 'next') {
        if (c === CLOSE_ARRAY) {
          if (this.state === 'next') entries.push(this.fatal('virgule en trop avant « ] »'));
          else this.state = 'done';
          consume(c);
        } else {
          this.begin();
          from = i;
        }
      } else if (this.state === 'separator') {
        if (c === COMMA) this.state = 'next';
        else if (c === CLOSE_ARRAY) this.state = 'done';
        else entries.push(this.fatal('« , » ou « ] » attendu entre deux bougies'));
        consume(c);
      } else {
        entries.push(this.fatal('texte après la fin du tableau'));
      }
    }
    if (this.state === 'element') this.keep(chunk.slice(from));
    return entries;
  }

  async end(): Promise<FileEntry[]> {
    if (this.state === 'open') return [this.fatal(`fichier vide : ${ARRAY_EXPECTED}`)];
    if (this.state === 'done' || this.state === 'stopped') return [];
    return [this.fatal('fichier JSON tronqué : « ] » final manquant')];
  }

  private begin(): void {
    this.state = 'element';
    this.candle++;
    this.elementLine = this.line;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.parts = [];
    this.length = 0;
  }

  /** Where the element ends relative to character `c`, if it ends there. */
  private scan(c: number): 'before' | 'after' | null {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === BACKSLASH) this.escaped = true;
      else if (c === QUOTE) {
        this.inString = false;
        if (this.depth === 0) return 'after';
      }
      return null;
    }
    if (c === QUOTE) this.inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) this.depth++;
    else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (this.depth === 0) return 'before';
      this.depth--;
      if (this.depth === 0) return 'after';
    } else if (this.depth === 0 && (c === COMMA || isSpace(c))) return 'before';
    return null;
  }

  private keep(text: string): void {
    this.length += text.length;
    if (this.length <= MAX_ELEMENT) this.parts.push(text);
  }

  private element(): FileEntry {
    const ref = this.candle;
    const where = `${this.label(ref)} (ligne ${this.elementLine})`;
    const problem = (text: string): FileEntry => ({ where, ref, problem: text });
    if (this.length > MAX_ELEMENT) return problem(EXPECTED);
    let item: unknown;
    try {
      item = JSON.parse(this.parts.join(''));
    } catch {
      return problem(`JSON illisible, ${EXPECTED}`);
    }
    if (!Array.isArray(item) || item.length < 6) return problem(EXPECTED);
    const [rawTime, ...rest] = item as unknown[];
    const time: Checked<number> =
      typeof rawTime === 'number'
        ? epochTime(rawTime)
        : typeof rawTime === 'string'
          ? parseTime(rawTime)
          : { ok: false, problem: 'time : date attendue' };
    if (!time.ok) return problem(time.problem);
    const values: string[] = [];
    for (let k = 0; k < VALUE_NAMES.length; k++) {
      const value = jsonDecimal(rest[k], VALUE_NAMES[k]);
      if (!value.ok) return problem(value.problem);
      values.push(value.value);
    }
    return { where, ref, time: time.value, values };
  }

  private fatal(problem: string): FileEntry {
    this.state = 'stopped';
    return { where: `ligne ${this.line}`, ref: this.line, problem, fatal: true };
  }
}
