import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api } from '@/api/client';
import type { BalanceLine, Broker, ExchangeInfo } from '@/api/trading';

/** What the brokers modal sends: a new broker, or the changes to one (credentials only when replaced). */
export interface BrokerDraft {
  name: string;
  exchange?: string;
  isTestnet: boolean;
  isDefault?: boolean;
  isActive: boolean;
  credentials?: Record<string, string>;
}

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
  async function save(draft: BrokerDraft, id?: number): Promise<{ broker: Broker; balance?: BalanceLine[] }> {
    const res = id
      ? await api<{ broker: Broker; balance?: BalanceLine[] }>('PUT', `/api/brokers/${id}`, draft)
      : await api<{ broker: Broker; balance: BalanceLine[] }>('POST', '/api/brokers', draft);
    await load();
    return res;
  }

  async function test(id: number): Promise<BalanceLine[]> {
    const res = await api<{ balance: BalanceLine[] }>('POST', `/api/brokers/${id}/test`);
    await load();
    return res.balance;
  }

  async function remove(id: number): Promise<void> {
    await api('DELETE', `/api/brokers/${id}`);
    await load();
  }

  /** Starts reloading the exchange's markets in the background (the status bar shows the progress). */
  async function updateMarkets(id: number): Promise<string> {
    return (await api<{ exchange: string }>('POST', `/api/brokers/${id}/markets`)).exchange;
  }

  return { list, exchanges, loaded, active, load, loadExchanges, save, test, remove, updateMarkets };
});
