import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { api } from '@/api/client';
import type {
  OhlcvReply,
  OrderBody,
  OrderView,
  Portfolio,
  PriceCandle,
  SymbolItem,
  TickerReply,
  TradeView,
} from '@/api/trading';
import { useAuthStore } from './auth';
import { useBrokersStore } from './brokers';
import { useStatusStore } from './status';

const BROKER_KEY = 'aristobot.trading.broker';
const TRADES_PAGE = 20;
const MAX_PAGES_PER_LOAD = 5;
const PRICE_POLL_MS = 10_000;

function rememberedBroker(): number | null {
  const id = Number(localStorage.getItem(BROKER_KEY));
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * The Trading manuel page's state: the chosen broker (remembered in this browser) and pair, the portfolio, open
 * orders, trade history and the pair's price, with their REST calls and the realtime event that refreshes them.
 */
export const useTradingStore = defineStore('trading', () => {
  const brokers = useBrokersStore();
  const brokerId = ref<number | null>(null);
  const portfolio = ref<Portfolio | null>(null);
  const portfolioError = ref('');
  const openOrders = ref<OrderView[]>([]);
  const trades = ref<TradeView[]>([]);
  const moreTrades = ref(false);
  /** Refused attempts stay in the history; the list hides them unless asked. */
  const hideRefused = ref(true);
  const symbol = ref<SymbolItem | null>(null);
  const lastPrice = ref<string | null>(null);
  const timeframe = ref('1h');
  const candles = ref<PriceCandle[]>([]);
  const candlesError = ref('');

  const broker = computed(() => brokers.active.find((b) => b.id === brokerId.value) ?? null);
  const shownTrades = computed(() =>
    hideRefused.value ? trades.value.filter((t) => t.status !== 'rejected') : trades.value,
  );
  /** The free balances of the chosen pair's assets, for the form's checks and percentage buttons. */
  const free = computed(() => {
    if (!portfolio.value || !symbol.value) return { base: null, quote: null };
    const of = (asset: string) => portfolio.value!.assets.find((a) => a.asset === asset)?.free ?? '0';
    return { base: of(symbol.value.base), quote: of(symbol.value.quote) };
  });

  function query(extra: Record<string, string> = {}): string {
    return new URLSearchParams({ brokerId: String(brokerId.value), ...extra }).toString();
  }

  async function refresh(): Promise<void> {
    const id = brokerId.value;
    if (!id) return;
    const [p, o, t] = await Promise.allSettled([
      api<Portfolio>('GET', `/api/trading/portfolio?${query()}`),
      api<OrderView[]>('GET', `/api/trading/orders/open?${query()}`),
      api<TradeView[]>('GET', `/api/trades?${query({ limit: String(TRADES_PAGE) })}`),
    ]);
    if (id !== brokerId.value) return;
    portfolio.value = p.status === 'fulfilled' ? p.value : null;
    portfolioError.value = p.status === 'rejected' ? (p.reason as Error).message : '';
    openOrders.value =
      o.status === 'fulfilled' ? [...o.value].sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0)) : [];
    if (t.status === 'fulfilled') {
      // A refresh keeps the older pages already shown.
      const newest = t.value;
      const oldest = newest.at(-1)?.id ?? Infinity;
      const older = trades.value.filter((trade) => trade.id < oldest);
      trades.value = [...newest, ...older];
      if (!older.length) moreTrades.value = newest.length === TRADES_PAGE;
      // A first page of refused attempts only would show an empty list: read on to what the filter keeps.
      if (!older.length && moreTrades.value && shownTrades.value.length < TRADES_PAGE) await loadOlderTrades();
    }
  }

  /**
   * The next page of history. Refused attempts are hidden here, not on the server, so this reads on (a few pages at
   * most per click) until a page's worth of shown trades came in or the history ends.
   */
  async function loadOlderTrades(): Promise<void> {
    const id = brokerId.value;
    const wanted = shownTrades.value.length + TRADES_PAGE;
    for (let read = 0; read < MAX_PAGES_PER_LOAD && shownTrades.value.length < wanted; read++) {
      const before = trades.value.at(-1)?.id;
      if (!id || !before) return;
      const page = await api<TradeView[]>(
        'GET',
        `/api/trades?${query({ limit: String(TRADES_PAGE), before: String(before) })}`,
      );
      if (id !== brokerId.value) return;
      trades.value = [...trades.value, ...page];
      moreTrades.value = page.length === TRADES_PAGE;
      if (!moreTrades.value) return;
    }
  }

  async function fetchPrice(): Promise<void> {
    const pair = symbol.value;
    if (!pair || !brokerId.value) return;
    try {
      const res = await api<TickerReply>('GET', `/api/trading/ticker?${query({ symbol: pair.symbol })}`);
      if (pair === symbol.value) lastPrice.value = res.last;
    } catch {
      if (pair === symbol.value) lastPrice.value = null;
    }
  }

  async function loadCandles(): Promise<void> {
    const pair = symbol.value;
    if (!pair || !brokerId.value) return;
    try {
      const res = await api<OhlcvReply>(
        'GET',
        `/api/trading/ohlcv?${query({ symbol: pair.symbol, timeframe: timeframe.value })}`,
      );
      if (pair !== symbol.value) return;
      candles.value = res.candles;
      candlesError.value = '';
    } catch (error) {
      if (pair === symbol.value) candlesError.value = (error as Error).message;
    }
  }

  /** The order on the broker chosen here. */
  function placeOrder(body: Omit<OrderBody, 'brokerId'>): Promise<TradeView> {
    return api<TradeView>('POST', '/api/trading/orders', { brokerId: brokerId.value, ...body });
  }

  async function cancelOrder(order: OrderView): Promise<void> {
    await api('DELETE', `/api/trading/orders/${encodeURIComponent(order.id)}?${query({ symbol: order.symbol })}`);
    await refresh();
  }

  let timer: ReturnType<typeof setInterval> | undefined;
  watch(symbol, () => {
    lastPrice.value = null;
    candles.value = [];
    candlesError.value = '';
    clearInterval(timer);
    if (!symbol.value) return;
    void fetchPrice();
    void loadCandles();
    timer = setInterval(() => void fetchPrice(), PRICE_POLL_MS);
  });
  watch(timeframe, () => void loadCandles());
  watch(brokerId, (id) => {
    if (id) localStorage.setItem(BROKER_KEY, String(id));
    portfolio.value = null;
    openOrders.value = [];
    trades.value = [];
    symbol.value = null;
    void refresh();
  });

  let unlisten: (() => void) | undefined;
  /** The page opens: the brokers, the one used last time (else the default one), and the realtime refresh. */
  async function start(): Promise<void> {
    await brokers.load();
    const auth = useAuthStore();
    const wanted = [brokerId.value, rememberedBroker(), auth.user?.defaultBrokerId];
    const found = wanted.map((id) => brokers.active.find((b) => b.id === id)).find(Boolean) ?? brokers.active[0];
    if (found && found.id === brokerId.value) void refresh();
    brokerId.value = found?.id ?? null;
    unlisten?.();
    unlisten = useStatusStore().listen('trades:changed', (change) => {
      if (change.brokerId === brokerId.value) void refresh();
    });
  }

  function stop(): void {
    unlisten?.();
    unlisten = undefined;
    clearInterval(timer);
    symbol.value = null;
  }

  return {
    brokerId,
    broker,
    portfolio,
    portfolioError,
    openOrders,
    trades,
    shownTrades,
    moreTrades,
    hideRefused,
    symbol,
    lastPrice,
    free,
    timeframe,
    candles,
    candlesError,
    refresh,
    loadOlderTrades,
    fetchPrice,
    loadCandles,
    placeOrder,
    cancelOrder,
    start,
    stop,
  };
});
