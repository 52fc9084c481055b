// The file readers of the candle import, without a database: what each format accepts, how entries are named so a
// user finds them in the file, and that a file cut into pieces anywhere reads exactly as the whole file.
import { parseDecimal, parseTime, type CandleFileReader, type FileEntry } from './candle-checks';
import { CsvCandleReader } from './csv-candle.reader';
import { JsonCandleReader } from './json-candle.reader';

async function read(reader: CandleFileReader, text: string, piece = text.length): Promise<FileEntry[]> {
  const entries: FileEntry[] = [];
  for (let i = 0; i < text.length; i += piece) entries.push(...(await reader.push(text.slice(i, i + piece))));
  entries.push(...(await reader.end()));
  return entries;
}

const summary = (entries: FileEntry[]) =>
  entries.map((e) => ('problem' in e ? `${e.where} : ${e.problem}` : `${e.where} ${e.time} ${e.values.join(' ')}`));

const T = Date.UTC(2024, 0, 1);

describe('CSV', () => {
  const csv =
    '\ufeffdate;open;high;low;close;volume;note\r\n' +
    `${T};"1,5";2;1;1,5;10;"deux\r\nlignes"\r\n` +
    '\r\n' +
    `2024-01-01T01:00:00Z;1;2;1;1;1;"un ""guillemet"""\r\n` +
    '2024-01-01T02:00;1;2;x;1;1;\r\n';

  it('reads quotes, BOM, `;` with decimal commas, and counts lines as an editor does, in any pieces', async () => {
    const whole = summary(await read(new CsvCandleReader(), csv));
    expect(whole).toEqual([
      `ligne 2 ${T} 1.5 2 1 1.5 10`,
      `ligne 5 ${T + 3_600_000} 1 2 1 1 1`,
      'ligne 6 : low : nombre illisible « x »',
    ]);
    for (const piece of [1, 2, 3, 7, 64]) expect(summary(await read(new CsvCandleReader(), csv, piece))).toEqual(whole);
  });

  it('stops at a broken quote, naming the line it starts on', async () => {
    const text = `time,open,high,low,close,volume\n${T},1,2,1,1,1\n${T},"1,2,1,1,1\n${T},1,2,1,1,1\n`;
    expect(summary(await read(new CsvCandleReader(), text, 5)).at(-1)).toBe(
      'ligne 3 : guillemet ouvert jamais fermé : lecture arrêtée à cette ligne',
    );
  });

  it('refuses a file without the columns it needs, or without anything', async () => {
    expect(summary(await read(new CsvCandleReader(), 'a,b\n1,2\n'))[0]).toMatch(/^ligne 1 : en-tête attendu/);
    expect(summary(await read(new CsvCandleReader(), ''))).toEqual(['ligne 1 : fichier vide : en-tête attendu']);
  });

  it('takes a pandas index (empty first header) as the date', async () => {
    const text = ',Open,High,Low,Close,Volume\n2004-08-19,100,104.06,95.96,100.34,22351900\n';
    expect(summary(await read(new CsvCandleReader(), text))).toEqual([
      `ligne 2 ${Date.UTC(2004, 7, 19)} 100 104.06 95.96 100.34 22351900`,
    ]);
  });
});

describe('freqtrade JSON', () => {
  const pretty = `[\n  [${T}, 1, 2, 0.5, 1.5, 10],\n  [${T / 1000}, "1", 2, 0.5, 1.5, 1e-7],\n  [1, 2],\n  {"a": "]"}\n]\n`;

  it('names candles by rank and starting line, and reads the same in any pieces', async () => {
    const whole = summary(await read(new JsonCandleReader(), pretty));
    expect(whole).toEqual([
      `bougie 1 (ligne 2) ${T} 1 2 0.5 1.5 10`,
      `bougie 2 (ligne 3) ${T} 1 2 0.5 1.5 1e-7`,
      'bougie 3 (ligne 4) : [time, open, high, low, close, volume] attendu',
      'bougie 4 (ligne 5) : [time, open, high, low, close, volume] attendu',
    ]);
    for (const piece of [1, 2, 5, 13])
      expect(summary(await read(new JsonCandleReader(), pretty, piece))).toEqual(whole);
  });

  it('stops at a broken structure', async () => {
    const last = async (text: string) => summary(await read(new JsonCandleReader(), text)).at(-1);
    expect(await last(`[[${T},1,2,1,1,1]`)).toBe('ligne 1 : fichier JSON tronqué : « ] » final manquant');
    expect(await last(`[[${T},1,2,1,1,1],]`)).toBe('ligne 1 : virgule en trop avant « ] »');
    expect(await last(`[[${T},1,2,1,1,1]] x`)).toBe('ligne 1 : texte après la fin du tableau');
    expect(summary(await read(new JsonCandleReader(), `\ufeff[[${T},1,2,1,1,1]]`))).toEqual([
      `bougie 1 (ligne 1) ${T} 1 2 1 1 1`,
    ]);
    expect(await last('{"a": 1}')).toBe('ligne 1 : un tableau [[time, open, high, low, close, volume], …] est attendu');
    expect(await last(`[[${T},1,2,1,1,1]\n[${T},1,2,1,1,1]]`)).toBe(
      'ligne 2 : « , » ou « ] » attendu entre deux bougies',
    );
  });
});

describe('times and numbers', () => {
  const time = (raw: string) => {
    const r = parseTime(raw);
    return r.ok ? new Date(r.value).toISOString() : r.problem;
  };

  it('tells epoch seconds from milliseconds by magnitude', () => {
    expect(time('1704067200')).toBe('2024-01-01T00:00:00.000Z');
    expect(time('1704067200000')).toBe('2024-01-01T00:00:00.000Z');
    // The boundary: below 1e11 seconds (up to the year 5138), from 1e11 milliseconds (from March 1973).
    expect(time('99999999999')).toBe('5138-11-16T09:46:39.000Z');
    expect(time('100000000000')).toBe('1973-03-03T09:46:40.000Z');
  });

  it('reads ISO dates with or without a zone (UTC then), and refuses impossible ones', () => {
    expect(time('2024-01-01 13:30')).toBe('2024-01-01T13:30:00.000Z');
    expect(time('2024-01-01T13:30:00+02:00')).toBe('2024-01-01T11:30:00.000Z');
    expect(time('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
    expect(time('2023-02-29')).toBe('date impossible « 2023-02-29 »');
    expect(time('2024-01-01T24:00:00Z')).toBe('date impossible « 2024-01-01T24:00:00Z »');
    expect(time('1969-12-31')).toBe('date avant 1970 « 1969-12-31 »');
    expect(time('01/02/2024')).toMatch(/^date illisible/);
  });

  it('keeps decimals exact, within numeric(36,18), never negative', () => {
    const decimal = (raw: string, comma = false) => {
      const r = parseDecimal(raw, 'open', comma);
      return r.ok ? r.value : r.problem;
    };
    expect(decimal('0.000000000000000001')).toBe('0.000000000000000001');
    expect(decimal('1,5', true)).toBe('1.5');
    expect(decimal('1,5')).toBe('open : nombre illisible « 1,5 »');
    expect(decimal('999999999999999999.5')).toBe('999999999999999999.5');
    expect(decimal('1000000000000000000')).toMatch(/^open : nombre trop grand/);
    expect(decimal('2e18')).toMatch(/^open : nombre trop grand/);
    expect(decimal('-1')).toBe('open : nombre positif attendu « -1 »');
    expect(decimal('.5')).toBe('0.5');
  });
});
