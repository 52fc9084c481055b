/** The limits of each kind of run, from the configuration, and the budget they name when a strategy exceeds it. */
import { backtestLimits, liveLimits, validationLimits, type SandboxConfig } from './limits';
import { validateStrategy } from './validate';

const CONFIG: SandboxConfig = {
  SANDBOX_MEMORY_MB: 64,
  SANDBOX_TIMEOUT_MS: 500,
  SANDBOX_VALIDATION_BUDGET_MS: 300,
  SANDBOX_BACKTEST_BUDGET_MS: 10_000,
  SANDBOX_BACKTEST_BUDGET_US_PER_CANDLE: 100,
};

describe('sandbox limits', () => {
  it('gives a backtest its floor, or its candles times the budget per candle when that is more', () => {
    expect(backtestLimits(CONFIG, 1_000)).toMatchObject({ memoryMb: 64, timeoutMs: 500, budgetMs: 10_000 });
    expect(backtestLimits(CONFIG, 525_600).budgetMs).toBe(52_560);
    expect(liveLimits(CONFIG)).toMatchObject({ timeoutMs: 500, budgetMs: 500 });
  });

  it('stops a validation on its whole budget, named in the error, though no call reaches its own limit', async () => {
    const spin = 'const t = Date.now(); while (Date.now() - t < 50) {} return false;';
    const code = `class Slow extends Strategy {
      shouldLong() { ${spin} }
      shouldShort() { return false; }
      calculatePositionSize() { return 10; }
      calculateStopLoss() { return 0; }
      calculateTakeProfit() { return 0; }
    }`;
    const started = Date.now();
    const result = await validateStrategy(code, validationLimits(CONFIG));
    expect(result).toEqual({
      ok: false,
      error: {
        message: 'La stratégie a dépassé son budget de calcul (300 ms pour cette validation).',
        line: null,
        column: null,
      },
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
