import type { CandleRow } from './history';

export class CandleImportError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.slice(0, 5).join(' ; ') + (problems.length > 5 ? ` (et ${problems.length - 5} autres)` : ''));
  }
}

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

function time(raw: string): number | null {
  const text = raw.trim();
  if (/^\d{9,13}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  // A date without a zone is UTC, like every time we store.
  const parsed = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) || text.length === 10 ? text : `${text}Z`);
  return Number.isNaN(parsed) ? null : parsed;
}

/** Checks one candle; returns what is wrong with it, or null. */
function problem(row: CandleRow): string | null {
  const [, open, high, low, close, volume] = row.map(Number);
  if ([open, high, low, close, volume].some((v) => !Number.isFinite(v) || v < 0))
    return 'valeurs numériques positives attendues';
  if (high < Math.max(open, close, low) || low > Math.min(open, close)) return 'high/low incohérents avec open/close';
  return null;
}

function finish(rows: CandleRow[], lines: number[], problems: string[]): CandleRow[] {
  const seen = new Set<number>();
  rows.forEach((row, k) => {
    if (seen.has(row[0])) problems.push(`ligne ${lines[k]} : date en double`);
    seen.add(row[0]);
  });
  if (problems.length) throw new CandleImportError(problems);
  if (!rows.length) throw new CandleImportError(['aucune bougie dans le fichier']);
  return rows.sort((a, b) => a[0] - b[0]);
}

/** CSV with a header `time,open,high,low,close,volume` (any order); time as an ISO date or epoch ms. */
export function parseCsvCandles(text: string): CandleRow[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(/[,;]/).map((h) => h.trim().toLowerCase());
  const columns = ['time', 'open', 'high', 'low', 'close', 'volume'].map((name) => header.indexOf(name));
  if (columns.some((c) => c < 0)) {
    throw new CandleImportError(['ligne 1 : en-tête attendu time,open,high,low,close,volume']);
  }
  const rows: CandleRow[] = [];
  const lineOf: number[] = [];
  const problems: string[] = [];
  lines.slice(1).forEach((line, k) => {
    if (!line.trim()) return;
    const number = k + 2;
    const cells = line.split(/[,;]/);
    const [t, ...values] = columns.map((c) => (cells[c] ?? '').trim());
    const at = time(t);
    if (at === null) return void problems.push(`ligne ${number} : date illisible « ${t.slice(0, 40)} »`);
    if (values.some((v) => !NUMBER.test(v))) return void problems.push(`ligne ${number} : nombre illisible`);
    const row = [at, ...values] as CandleRow;
    const wrong = problem(row);
    if (wrong) return void problems.push(`ligne ${number} : ${wrong}`);
    rows.push(row);
    lineOf.push(number);
  });
  return finish(rows, lineOf, problems);
}

/** freqtrade's JSON: `[[open_time_ms, open, high, low, close, volume], …]`. */
export function parseFreqtradeJson(text: string): CandleRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CandleImportError([`JSON illisible : ${(error as Error).message}`]);
  }
  if (!Array.isArray(data))
    throw new CandleImportError(['un tableau [[time, open, high, low, close, volume], …] est attendu']);
  const rows: CandleRow[] = [];
  const lineOf: number[] = [];
  const problems: string[] = [];
  data.forEach((item, k) => {
    const number = k + 1;
    if (
      !Array.isArray(item) ||
      item.length < 6 ||
      item.slice(0, 6).some((v) => typeof v !== 'number' || !Number.isFinite(v))
    ) {
      return void problems.push(`ligne ${number} : [time, open, high, low, close, volume] numériques attendus`);
    }
    const row = item.slice(0, 6) as CandleRow;
    const wrong = problem(row);
    if (wrong) return void problems.push(`ligne ${number} : ${wrong}`);
    rows.push(row);
    lineOf.push(number);
  });
  return finish(rows, lineOf, problems);
}
