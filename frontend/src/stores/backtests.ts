import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '@/api/client';
import type { BacktestBody, BacktestDetail, BacktestQueued, BacktestSummary, RunSettings } from '@/api/strategies';
import { useStatusStore } from './status';

const BACKTESTS = '/api/backtests';

/** What the backtest form holds; "Relancer" fills it from an earlier run. */
export type BacktestDraft = RunSettings & Pick<BacktestBody, 'params'>;

const OVER = ['completed', 'failed', 'cancelled'];

/**
 * The Backtest tab's state: the user's runs, the one shown (followed through `backtest:progress`), and a draft for
 * the form when a run is launched again.
 */
export const useBacktestsStore = defineStore('backtests', () => {
  const runs = ref<BacktestSummary[]>([]);
  const current = ref<BacktestDetail | null>(null);
  const draft = ref<BacktestDraft | null>(null);

  async function load(): Promise<void> {
    runs.value = await api<BacktestSummary[]>('GET', BACKTESTS);
  }

  let opening = 0;
  async function open(id: number): Promise<void> {
    const mine = ++opening;
    const detail = await api<BacktestDetail>('GET', `${BACKTESTS}/${id}`);
    if (mine === opening) current.value = detail;
  }

  async function launch(body: BacktestBody): Promise<number> {
    const { id } = await api<BacktestQueued>('POST', BACKTESTS, body);
    await shown(id);
    return id;
  }

  /** A run launched elsewhere (a sweep's row): shown and listed. */
  async function shown(id: number): Promise<void> {
    await open(id);
    await load();
  }

  async function cancel(id: number): Promise<void> {
    await api('POST', `${BACKTESTS}/${id}/cancel`);
  }

  async function remove(id: number): Promise<void> {
    await api('DELETE', `${BACKTESTS}/${id}`);
    if (current.value?.id === id) current.value = null;
    await load();
    if (!current.value && runs.value[0]) await open(runs.value[0].id);
  }

  /** "Relancer": the run's settings back in the form, to change and launch again. */
  function rerun(run: BacktestSummary): void {
    if (run.strategyId === null) return;
    draft.value = {
      strategyId: run.strategyId,
      source: run.source,
      symbol: run.symbol,
      timeframe: run.timeframe,
      from: run.from.slice(0, 10),
      to: run.to.slice(0, 10),
      initialAmount: run.initialAmount,
      fee: run.fee,
      slippage: run.slippage,
      fill: run.fill,
      market: run.market,
      params: run.params ?? undefined,
    };
  }

  /** Follows the runs' progress while the tab is shown; returns the function that stops it. */
  function follow(): () => void {
    return useStatusStore().listen('backtest:progress', (event) => {
      const shownRun = current.value;
      if (shownRun?.id === event.id) {
        // The status first (a failure shows at once), then the run as stored.
        current.value = {
          ...shownRun,
          status: event.status,
          progress: OVER.includes(event.status) ? shownRun.progress : event.percent,
        };
        if (OVER.includes(event.status)) void open(event.id);
      }
      if (OVER.includes(event.status)) void load();
    });
  }

  return { runs, current, draft, load, open, launch, shown, cancel, remove, rerun, follow };
});
