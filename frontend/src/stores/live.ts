import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, ApiError } from '@/api/client';
import type { Activation, ActivationBody, EmergencyBody, EmergencyResult, SellResult, StopBody } from '@/api/live';
import type { SymbolPage } from '@/api/trading';
import { useBrokersStore } from './brokers';
import { useStatusStore } from './status';
import { useStrategiesStore } from './strategies';

const BASE = '/api/active-strategies';
const SYMBOLS_SHOWN = 50;

/** What a row's button is doing, so that it stays disabled until the server answered. */
export type RowAction = 'stop' | 'sell' | 'suspend' | 'resume';

/**
 * The Trading BOT page's state: the user's activations with their REST calls, the markets the form offers, and the
 * `live:activation` event that refetches the activation an evaluation, an order or an error changed.
 */
export const useLiveStore = defineStore('live', () => {
  const activations = ref<Activation[]>([]);
  const loaded = ref(false);
  const loadError = ref('');
  /** The request running per activation id. */
  const pending = ref<Record<number, RowAction>>({});
  /** Per activation, the position whose close was asked: Vendre stays disabled until that position is gone. */
  const closing = ref<Record<number, number>>({});

  async function load(): Promise<void> {
    try {
      activations.value = await api<Activation[]>('GET', BASE);
      loadError.value = '';
    } catch (error) {
      loadError.value = (error as Error).message;
    } finally {
      loaded.value = true;
    }
  }

  function put(activation: Activation): void {
    const index = activations.value.findIndex((a) => a.id === activation.id);
    if (index >= 0) activations.value.splice(index, 1, activation);
    else activations.value.unshift(activation);
    if (closing.value[activation.id] !== undefined && closing.value[activation.id] !== activation.position?.id) {
      const { [activation.id]: _closed, ...rest } = closing.value;
      closing.value = rest;
    }
  }

  /** One activation again (the event names it); a new one (another tab created it) reloads the list. */
  async function refetch(id: number): Promise<void> {
    if (!activations.value.some((a) => a.id === id)) return load();
    try {
      put(await api<Activation>('GET', `${BASE}/${id}`));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        activations.value = activations.value.filter((a) => a.id !== id);
      }
    }
  }

  /** The markets of a broker's exchange whose name contains `q` (the server reads a paper broker's price source's). */
  async function searchMarkets(brokerExchange: string, q: string): Promise<SymbolPage> {
    const params = new URLSearchParams({
      exchange: brokerExchange,
      pageSize: String(SYMBOLS_SHOWN),
    });
    if (q.trim()) params.set('q', q.trim());
    return api<SymbolPage>('GET', `/api/symbols?${params}`);
  }

  async function create(body: ActivationBody): Promise<Activation> {
    const created = await api<Activation>('POST', BASE, body);
    put({ ...created, trades: created.trades ?? [] });
    return created;
  }

  async function run(id: number, action: RowAction, work: () => Promise<Activation>): Promise<void> {
    pending.value = { ...pending.value, [id]: action };
    try {
      put(await work());
    } finally {
      const { [id]: _done, ...rest } = pending.value;
      pending.value = rest;
    }
  }

  /** The list's answers of the row actions carry no trades: the ones shown stay. */
  const keepTrades = (id: number, next: Activation): Activation => ({
    ...next,
    trades: next.trades ?? activations.value.find((a) => a.id === id)?.trades ?? [],
  });

  /** Ends the activation now; with `closePosition`, its open position is closed at market like Vendre does. */
  function stop(id: number, closePosition: boolean): Promise<void> {
    return run(id, 'stop', async () => {
      const stopped = await api<Activation>('POST', `${BASE}/${id}/stop`, { closePosition } satisfies StopBody);
      if (closePosition && stopped.position) closing.value = { ...closing.value, [id]: stopped.position.id };
      return keepTrades(id, stopped);
    });
  }

  function suspend(id: number): Promise<void> {
    return run(id, 'suspend', async () => keepTrades(id, await api<Activation>('POST', `${BASE}/${id}/suspend`, {})));
  }

  function resume(id: number): Promise<void> {
    return run(id, 'resume', async () => keepTrades(id, await api<Activation>('POST', `${BASE}/${id}/resume`, {})));
  }

  /** Asks the strategy actor to close the open position at market; the activation goes on. */
  function sell(id: number): Promise<void> {
    return run(id, 'sell', async () => {
      const res = await api<SellResult>('POST', `${BASE}/${id}/sell`, {});
      if (res.activation.position) closing.value = { ...closing.value, [id]: res.activation.position.id };
      return keepTrades(id, res.activation);
    });
  }

  async function emergencyStop(closePositions: boolean): Promise<EmergencyResult> {
    const result = await api<EmergencyResult>('POST', `${BASE}/emergency-stop`, {
      closePositions,
    } satisfies EmergencyBody);
    await load();
    return result;
  }

  let unlisten: (() => void) | undefined;
  /** The page opens: activations, strategies and brokers for the form, and the realtime refresh. */
  async function start(): Promise<void> {
    unlisten?.();
    unlisten = useStatusStore().listen('live:activation', (change) => void refetch(change.id));
    await Promise.all([load(), useStrategiesStore().ensureLoaded(), useBrokersStore().load()]);
  }

  function stopListening(): void {
    unlisten?.();
    unlisten = undefined;
  }

  return {
    activations,
    loaded,
    loadError,
    pending,
    closing,
    load,
    refetch,
    searchMarkets,
    create,
    stop,
    suspend,
    resume,
    sell,
    emergencyStop,
    start,
    stopListening,
  };
});
