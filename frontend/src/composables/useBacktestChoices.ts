import { computed, ref } from 'vue';
import { BACKTEST_TIMEFRAME_NAMES } from '@core/candles/backtest-timeframes';
import { api } from '@/api/client';
import type { CandleSource } from '@/api/strategies';
import type { Broker } from '@/api/trading';
import { useStrategiesStore } from '@/stores/strategies';

/** The timeframes a backtest or a sweep can run on: the server's own list, so the two never differ. */
export const BACKTEST_TIMEFRAMES: readonly string[] = BACKTEST_TIMEFRAME_NAMES;

/**
 * What the backtest and optimisation forms offer: the user's strategies (the store's list), and the candle sources
 * (the exchanges of their brokers, Binance, and their imports).
 */
export function useBacktestChoices() {
  const store = useStrategiesStore();
  const strategies = computed(() => store.list);
  const brokers = ref<Broker[]>([]);
  const imports = ref<CandleSource[]>([]);
  const sources = computed(() => {
    const exchanges = brokers.value.map((b) => (b.exchange === 'paper' ? 'binance' : b.exchange));
    const imported = imports.value.map((s) => s.source).filter((s) => !exchanges.includes(s));
    return [...new Set([...exchanges, 'binance', ...imported])];
  });
  async function loadChoices(): Promise<void> {
    [, brokers.value, imports.value] = await Promise.all([
      store.ensureLoaded(),
      api<Broker[]>('GET', '/api/brokers'),
      api<CandleSource[]>('GET', '/api/candles/sources'),
    ]);
  }
  return { strategies, sources, loadError: computed(() => store.loadError), loadChoices };
}
