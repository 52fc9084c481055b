import { simulate } from '../backtest/engine';
import { StrategyError } from './strategy-error';
import type { ParamSpecs } from './strategy-params';
import { COLUMNS, StrategyRunner, type CandleColumns, type SandboxLimits } from './strategy-runner';

export type ValidationResult =
  | { ok: true; trades: number; candles: number; logs: string[]; typescript: boolean; params: ParamSpecs }
  | { ok: false; error: { message: string; line: number | null; column: number | null } };

const SAMPLE = 500;
const LOGS_SHOWN = 50;
const cutNotice = (n: number) => `warn … ${n} ligne(s) de journal de plus non affichée(s) (${LOGS_SHOWN} au plus)`;

/** A deterministic random walk (hourly candles): enough movement for most strategies to trade on it. */
export function sampleCandles(n = SAMPLE): CandleColumns {
  const out = Object.fromEntries(COLUMNS.map((c) => [c, new Float64Array(n)])) as CandleColumns;
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  let price = 30_000;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = Math.max(1, price * (1 + (random() - 0.5) * 0.02 + Math.sin(i / 20) * 0.004));
    out.time[i] = Date.UTC(2024, 0, 1) + i * 3_600_000;
    out.open[i] = open;
    out.close[i] = price;
    out.high[i] = Math.max(open, price) * (1 + random() * 0.005);
    out.low[i] = Math.min(open, price) * (1 - random() * 0.005);
    out.volume[i] = 10 + random() * 100;
  }
  return out;
}

/**
 * "Tester la syntaxe": compiles the code in a sandbox, checks the class and its decision methods, then runs it as a
 * spot and a futures backtest over sample candles, so runtime errors (a typo in a method, a bad return) show too.
 * One CPU budget (`limits.budgetMs`) covers it all.
 */
export async function validateStrategy(code: string, limits: SandboxLimits): Promise<ValidationResult> {
  let runner: StrategyRunner | null = null;
  try {
    runner = StrategyRunner.create(code, { scope: 'pour cette validation', ...limits });
    if (runner.missing.length) {
      throw new StrategyError(`Méthodes de décision manquantes : ${runner.missing.join(', ')}.`);
    }
    const candles = sampleCandles();
    runner.load(candles);
    let trades = 0;
    const logs: string[] = [];
    for (const market of ['spot', 'futures'] as const) {
      const run = await simulate(
        runner,
        candles,
        { initialAmount: '10000', fee: '0.001', slippage: '0.0005', fill: 'close', market, timeframeMs: 3_600_000 },
        { checkpoint: () => false },
      );
      if (market === 'spot') trades = run.trades.length;
      logs.push(...run.logs);
    }
    return {
      ok: true,
      trades,
      candles: SAMPLE,
      logs: logs.length > LOGS_SHOWN ? [...logs.slice(0, LOGS_SHOWN), cutNotice(logs.length - LOGS_SHOWN)] : logs,
      typescript: runner.typescript,
      params: runner.params,
    };
  } catch (error) {
    const failure = error instanceof StrategyError ? error : new StrategyError((error as Error).message);
    return { ok: false, error: failure.toJSON() };
  } finally {
    runner?.dispose();
  }
}
