/** What one strategy runner may use. */
export interface SandboxLimits {
  /** Heap of its isolate (V8 and ordinary ArrayBuffers), in MiB. */
  memoryMb: number;
  /** Wall time of one call into the isolate. */
  timeoutMs: number;
  /**
   * CPU time of the runner's whole life (create, load, start, every run and logs call): the isolate's own clock plus
   * the host's indicator computations it asked for. Each call gets at most what is left of it.
   */
  budgetMs: number;
  /** What the budget is for, as the error names it: « pour cette validation ». */
  scope?: string;
}

/**
 * The sandbox's part of the configuration, spelled out rather than picked from `Config` so that the UI's typecheck,
 * which reaches this file through the backtest types, does not pull in the server's configuration module.
 */
export interface SandboxConfig {
  SANDBOX_MEMORY_MB: number;
  SANDBOX_TIMEOUT_MS: number;
  SANDBOX_VALIDATION_BUDGET_MS: number;
  SANDBOX_BACKTEST_BUDGET_MS: number;
  SANDBOX_BACKTEST_BUDGET_US_PER_CANDLE: number;
}

/** "Tester la syntaxe": the sample spot and futures runs together. */
export function validationLimits(config: SandboxConfig): SandboxLimits {
  return {
    memoryMb: config.SANDBOX_MEMORY_MB,
    timeoutMs: config.SANDBOX_TIMEOUT_MS,
    budgetMs: config.SANDBOX_VALIDATION_BUDGET_MS,
    scope: 'pour cette validation',
  };
}

/** One backtest over `candles` candles: a floor, or so much per candle when that is more. */
export function backtestLimits(config: SandboxConfig, candles: number): SandboxLimits {
  return {
    memoryMb: config.SANDBOX_MEMORY_MB,
    timeoutMs: config.SANDBOX_TIMEOUT_MS,
    budgetMs: Math.max(
      config.SANDBOX_BACKTEST_BUDGET_MS,
      Math.ceil((candles * config.SANDBOX_BACKTEST_BUDGET_US_PER_CANDLE) / 1000),
    ),
    scope: 'pour ce backtest',
  };
}

/** One live evaluation on a closed candle: create, load, start and run together within one call's time. */
export function liveLimits(config: SandboxConfig): SandboxLimits {
  return {
    memoryMb: config.SANDBOX_MEMORY_MB,
    timeoutMs: config.SANDBOX_TIMEOUT_MS,
    budgetMs: config.SANDBOX_TIMEOUT_MS,
    scope: 'pour cette évaluation',
  };
}
