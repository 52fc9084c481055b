import { computed, ref } from 'vue';
import { api } from '@/api/client';
import type { CandleSource } from '@/api/strategies';
import type { Broker } from '@/api/trading';
import { useStrategiesStore } from '@/stores/strategies';

/** The timeframes a backtest or a sweep can run on. */
export const BACKTEST_TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '12h', '1d'];

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
