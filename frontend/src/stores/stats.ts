import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api } from '@/api/client';
import type {
  BalanceResponse,
  OriginRow,
  OriginRowsReply,
  PnlResponse,
  SummaryResponse,
  TradeSource,
  TripsReply,
} from '@/api/stats';
import { periodRange, type PeriodPreset } from '@/components/stats/stats-series';
import { useStatusStore } from './status';

/** A new fill is counted a moment later: the page reloads once for a burst of them. */
const RELOAD_AFTER_MS = 1500;
const TRADES_SHOWN = 200;

export interface StatsFilters {
  brokerId: number | null;
  preset: PeriodPreset;
  /** The custom period's bounds (YYYY-MM-DD, UTC days), used when `preset` is `custom`. */
  from: string;
  to: string;
  source: TradeSource | null;
}

/**
 * The Statistiques page's state: its filters, the figures each API route gives for them (fetched together, the
 * answer of the newest filters kept), the trades of a chosen row, and a reload when a trade of the user changes.
 */
export const useStatsStore = defineStore('stats', () => {
  const filters = ref<StatsFilters>({ brokerId: null, preset: '30d', from: '', to: '', source: null });
  const summary = ref<SummaryResponse | null>(null);
  const balance = ref<BalanceResponse | null>(null);
  const pnl = ref<PnlResponse | null>(null);
  const strategies = ref<OriginRow[]>([]);
  const sources = ref<OriginRow[]>([]);
  const loading = ref(false);
  const error = ref('');
  const errorField = ref<string | undefined>();
  const chosen = ref<OriginRow | null>(null);
  const chosenTrades = ref<TripsReply | null>(null);
  const chosenError = ref('');

  /** The query string of the current filters, as every route reads it. */
  const query = computed(() => {
    const params = new URLSearchParams();
    const { brokerId, preset, from, to, source } = filters.value;
    const range = periodRange(preset, Date.now(), {
      from: from ? `${from}T00:00:00Z` : undefined,
      to: to ? new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString() : undefined,
    });
    if (brokerId !== null) params.set('brokerId', String(brokerId));
    if (range.from) params.set('from', range.from);
    if (range.to) params.set('to', range.to);
    if (source) params.set('source', source);
    return params;
  });
  const csvUrl = computed(() => `/api/stats/trades.csv?${query.value}`);

  let request = 0;
  async function load(): Promise<void> {
    const mine = ++request;
    const q = query.value.toString();
    loading.value = true;
    try {
      const [s, b, p, byStrategy, bySource] = await Promise.all([
        api<SummaryResponse>('GET', `/api/stats/summary?${q}`),
        api<BalanceResponse>('GET', `/api/stats/balance?${q}`),
        api<PnlResponse>('GET', `/api/stats/pnl?${q}`),
        api<OriginRowsReply>('GET', `/api/stats/by-strategy?${q}`),
        api<OriginRowsReply>('GET', `/api/stats/by-webhook-source?${q}`),
      ]);
      if (mine !== request) return;
      summary.value = s;
      balance.value = b;
      pnl.value = p;
      strategies.value = byStrategy.rows;
      sources.value = bySource.rows;
      error.value = '';
      errorField.value = undefined;
    } catch (e) {
      if (mine !== request) return;
      error.value = (e as Error).message;
      errorField.value = (e as { field?: string }).field;
    } finally {
      if (mine === request) loading.value = false;
    }
  }

  function setFilters(next: Partial<StatsFilters>): Promise<void> {
    filters.value = { ...filters.value, ...next };
    return load();
  }

  async function open(row: OriginRow): Promise<void> {
    chosen.value = row;
    chosenTrades.value = null;
    const params = new URLSearchParams(query.value);
    params.set('origin', row.origin);
    params.set('limit', String(TRADES_SHOWN));
    chosenError.value = '';
    try {
      const trades = await api<TripsReply>('GET', `/api/stats/trades?${params}`);
      if (chosen.value === row) chosenTrades.value = trades;
    } catch (e) {
      if (chosen.value === row) chosenError.value = (e as Error).message;
    }
  }

  function close(): void {
    chosen.value = null;
    chosenTrades.value = null;
  }

  let unlisten: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  function start(): Promise<void> {
    unlisten?.();
    unlisten = useStatusStore().listen('trades:changed', () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), RELOAD_AFTER_MS);
    });
    return load();
  }
  function stop(): void {
    unlisten?.();
    unlisten = undefined;
    clearTimeout(timer);
  }

  return {
    filters,
    summary,
    balance,
    pnl,
    strategies,
    sources,
    loading,
    error,
    errorField,
    chosen,
    chosenTrades,
    chosenError,
    csvUrl,
    load,
    setFilters,
    open,
    close,
    start,
    stop,
  };
});
