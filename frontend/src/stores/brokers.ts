import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api } from '@/api/client';
import type {
  BalanceLine,
  Broker,
  BrokerBalance,
  BrokerCreateBody,
  BrokerSaved,
  BrokerUpdateBody,
  ExchangeInfo,
  MarketsReload,
} from '@/api/trading';

/** The user's broker accounts (Mon Compte's card and modal, the Trading manuel page's choice) and their REST calls. */
export const useBrokersStore = defineStore('brokers', () => {
  const list = ref<Broker[]>([]);
  const exchanges = ref<ExchangeInfo[]>([]);
  const loaded = ref(false);
  const active = computed(() => list.value.filter((b) => b.isActive));

  async function load(): Promise<Broker[]> {
    list.value = await api<Broker[]>('GET', '/api/brokers');
    loaded.value = true;
    return list.value;
  }

  async function loadExchanges(): Promise<ExchangeInfo[]> {
    if (!exchanges.value.length) exchanges.value = await api<ExchangeInfo[]>('GET', '/api/exchanges');
    return exchanges.value;
  }

  /** Saves a broker after the server tested its connection; the balance it read comes back when it did. */
  async function save(draft: BrokerCreateBody | BrokerUpdateBody, id?: number): Promise<BrokerSaved> {
    const res = id
      ? await api<BrokerSaved>('PUT', `/api/brokers/${id}`, draft)
      : await api<BrokerSaved>('POST', '/api/brokers', draft);
    await load();
    return res;
  }

  async function test(id: number): Promise<BalanceLine[]> {
    const res = await api<BrokerBalance>('POST', `/api/brokers/${id}/test`);
    await load();
    return res.balance;
  }

  async function remove(id: number): Promise<void> {
    await api('DELETE', `/api/brokers/${id}`);
    await load();
  }

  /** Starts reloading the exchange's markets in the background (the status bar shows the progress). */
  async function updateMarkets(id: number): Promise<string> {
    return (await api<MarketsReload>('POST', `/api/brokers/${id}/markets`)).exchange;
  }

  return { list, exchanges, loaded, active, load, loadExchanges, save, test, remove, updateMarkets };
});
