import { hostileCandles as candles } from '../../test/helpers/hostile-strategies';
import { simulate } from '../backtest/engine';
import { StrategyError } from './strategy-error';
import { StrategyRunner, type SandboxLimits } from './strategy-runner';
import { checkParamValues } from './strategy-params';

const LIMITS: SandboxLimits = { memoryMb: 64, timeoutMs: 300, budgetMs: 3000 };
const FLAT = { balance: 1000, position: null };

/** A strategy declaring `params` whose shouldLong logs `this.params` on every candle. */
function withParams(params: string): string {
  return [
    'class Tuned extends Strategy {',
    `  static params = ${params};`,
    '  init() { console.log("init", JSON.stringify(this.params)); }',
    '  shouldLong() { return this.candles.length === this.params.fast; }',
    '  shouldShort() { return false; }',
    '  calculatePositionSize() { return this.balance * this.params.share; }',
    '  calculateStopLoss() { return 0; }',
    '  calculateTakeProfit() { return 0; }',
    '}',
  ].join('\n');
}

const TUNED = withParams('{ fast: { default: 5, min: 2, max: 20, step: 1 }, share: { default: 0.5 } }');

function declared(code: string) {
  const runner = StrategyRunner.create(code, LIMITS);
  try {
    return runner.params;
  } finally {
    runner.dispose();
  }
}

function refusal(code: string): string {
  try {
    declared(code);
  } catch (error) {
    expect(error).toBeInstanceOf(StrategyError);
    return (error as Error).message;
  }
  throw new Error('the declaration was accepted');
}

describe('strategy parameters', () => {
  it('reads the declarations and gives the run its values over the defaults', async () => {
    expect(declared(TUNED)).toEqual({ fast: { default: 5, min: 2, max: 20, step: 1 }, share: { default: 0.5 } });
    const runner = StrategyRunner.create(TUNED, LIMITS);
    try {
      const data = candles(40);
      runner.load(data);
      const settings = {
        initialAmount: '1000',
        fee: '0',
        slippage: '0',
        fill: 'close' as const,
        market: 'spot' as const,
        timeframeMs: 60_000,
      };
      const byDefault = await simulate(runner, data, settings, { checkpoint: () => false });
      expect(byDefault.logs).toEqual(['log init {"fast":5,"share":0.5}']);
      // Entered on the close of the fifth candle with half the balance.
      expect(byDefault.trades[0].entryTime).toBe(data.time[4] + 60_000);
      expect(byDefault.trades[0].quantity * byDefault.trades[0].entryPrice).toBeCloseTo(500, 6);
      const tuned = await simulate(runner, data, { ...settings, params: { fast: 12 } }, { checkpoint: () => false });
      expect(tuned.logs).toEqual(['log init {"fast":12,"share":0.5}']);
      expect(tuned.trades[0].entryTime).toBe(data.time[11] + 60_000);
    } finally {
      runner.dispose();
    }
  });

  it('is empty for a strategy that declares none, and frozen for the strategy', () => {
    expect(declared('class P extends Strategy { shouldLong() { return false; } }')).toEqual({});
    const runner = StrategyRunner.create(
      withParams('{ fast: { default: 3 }, share: { default: 1 } }').replace(
        'init() {',
        'init() { this.params.fast = 99; console.log(this.params.fast); ',
      ),
      LIMITS,
    );
    try {
      runner.load(candles(10));
      expect(() => runner.start(1000, 'spot')).toThrow(/read only|read-only|Cannot assign/);
    } finally {
      runner.dispose();
    }
  });

  it.each([
    ['[1, 2]', /static params doit être un objet/],
    ['{ fast: 3 }', /paramètre « fast » : objet \{ default, min, max, step \} attendu/],
    ['{ fast: { min: 1 } }', /paramètre « fast » : default doit être un nombre/],
    ['{ fast: { default: 1, step: 0 } }', /paramètre « fast » : step doit être positif/],
    ['{ fast: { default: 1, min: 2 } }', /paramètre « fast » : default est sous min/],
    ['{ fast: { default: 9, max: 2 } }', /paramètre « fast » : default est au-dessus de max/],
    ['{ fast: { default: "10" } }', /paramètre « fast » : default doit être un nombre/],
    ['{ "a-b": { default: 1 } }', /paramètre « a-b » : nom attendu/],
  ])('refuses the declaration %s naming what is wrong', (params, message) => {
    expect(refusal(withParams(params))).toMatch(message);
  });

  it('stops a declaration whose getter never returns, under the call limit', () => {
    const started = Date.now();
    const message = refusal(withParams('{ get fast() { while (true) {} } }'));
    expect(message).toMatch(/temps|time/i);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses values for names the strategy does not declare, or that are not numbers', () => {
    const specs = { fast: { default: 5 } };
    expect(checkParamValues(specs, { fast: 8 })).toEqual({ fast: 8 });
    expect(() => checkParamValues(specs, { slow: 8 })).toThrow('Paramètre inconnu : slow (la stratégie déclare fast).');
    expect(() => checkParamValues(specs, { fast: Number.NaN })).toThrow('Paramètre fast : nombre attendu.');
    expect(() => checkParamValues({}, { fast: 1 })).toThrow(/n’en déclare aucun/);
  });

  it('runs a live-style start with the defaults when no value is given', () => {
    const runner = StrategyRunner.create(TUNED, LIMITS);
    try {
      runner.load(candles(10));
      runner.start(1000, 'spot');
      expect(runner.run(4, 5, FLAT)).toMatchObject({ kind: 'entry', i: 4, size: 500 });
    } finally {
      runner.dispose();
    }
  });
});
