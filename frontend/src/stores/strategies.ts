import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { api } from '@/api/client';
import type { ParamSpecs, StrategyCodeBody, StrategyDraft, StrategyItem, ValidationResult } from '@/api/strategies';
import { useAuthStore } from './auth';

const STRATEGIES = '/api/strategies';

/**
 * The user's strategies with their REST calls. Stratégies, the Backtest and Optimisation forms and the Trading BOT
 * form all read this one list: fetched by the first page that needs it, fetched again after each create, save and
 * delete, so that a new or renamed strategy shows on every page without a reload.
 */
export const useStrategiesStore = defineStore('strategies', () => {
  const auth = useAuthStore();
  const list = ref<StrategyItem[]>([]);
  const loaded = ref(false);
  const loadError = ref('');

  /** The answer of the fetch asked last wins: an older one answering late (or another account's) is dropped. */
  let request = 0;
  let fetching: Promise<void> | null = null;

  function load(): Promise<void> {
    const mine = ++request;
    fetching = (async () => {
      try {
        const rows = await api<StrategyItem[]>('GET', STRATEGIES);
        if (mine !== request) return;
        list.value = rows;
        loaded.value = true;
        loadError.value = '';
      } catch (error) {
        if (mine === request) loadError.value = (error as Error).message;
      } finally {
        if (mine === request) fetching = null;
      }
    })();
    return fetching;
  }

  /** The list as fetched already; pages opened together share one fetch, and one that failed is tried again. */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve();
    return fetching ?? load();
  }

  // Another account signed in in this tab: the previous one's strategies must not show. At once (`sync`), so that
  // the first page of the new account cannot read the old list before the reset.
  watch(
    () => auth.user?.id,
    () => {
      request++;
      fetching = null;
      list.value = [];
      loaded.value = false;
      loadError.value = '';
    },
    { flush: 'sync' },
  );

  async function save(draft: StrategyDraft, id?: number): Promise<StrategyItem> {
    const row = id
      ? await api<StrategyItem>('PUT', `${STRATEGIES}/${id}`, draft)
      : await api<StrategyItem>('POST', STRATEGIES, draft);
    await load();
    return row;
  }

  async function remove(id: number): Promise<void> {
    await api('DELETE', `${STRATEGIES}/${id}`);
    await load();
  }

  /** « Tester la syntaxe »: the sandbox compiles the code and runs it on sample candles; nothing is stored. */
  function validate(code: string): Promise<ValidationResult> {
    return api<ValidationResult>('POST', `${STRATEGIES}/validate`, { code } satisfies StrategyCodeBody);
  }

  /** What the stored strategy declares in `static params` (the backtest form's values, the Optimisation's ranges). */
  function paramsOf(id: number): Promise<ParamSpecs> {
    return api<ParamSpecs>('GET', `${STRATEGIES}/${id}/params`);
  }

  return { list, loaded, loadError, ensureLoaded, save, remove, validate, paramsOf };
});
