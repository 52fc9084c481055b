import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '@/api/client';
import type {
  SourceDraft,
  SourceUpdateBody,
  TestResult,
  WebhookEntry,
  WebhookSource,
  WebhookStatus,
} from '@/api/webhooks';
import { useBrokersStore } from './brokers';
import { useStatusStore } from './status';

const SOURCES = '/api/webhook-sources';
const LOG_SHOWN = 100;

/** What a source's button is doing, so that it stays disabled until the server answered. */
export type SourceAction = 'token' | 'test' | 'delete' | 'active';

/**
 * The Webhooks page's state: the user's sources with their REST calls, and the log of what they received, refetched
 * (with its filters) on each `webhook:changed` event.
 */
export const useWebhooksStore = defineStore('webhooks', () => {
  const sources = ref<WebhookSource[]>([]);
  const loaded = ref(false);
  const loadError = ref('');
  const log = ref<WebhookEntry[]>([]);
  const logError = ref('');
  const filters = ref<{ sourceId: number | null; status: WebhookStatus | null }>({ sourceId: null, status: null });
  const pending = ref<Record<number, SourceAction>>({});

  async function loadSources(): Promise<void> {
    try {
      sources.value = await api<WebhookSource[]>('GET', SOURCES);
      loadError.value = '';
    } catch (error) {
      loadError.value = (error as Error).message;
    } finally {
      loaded.value = true;
    }
  }

  /** The answer of a request asked last wins: an older one answering late does not replace it. */
  let logRequest = 0;
  async function loadLog(): Promise<void> {
    const mine = ++logRequest;
    const params = new URLSearchParams({ limit: String(LOG_SHOWN) });
    if (filters.value.sourceId !== null) params.set('sourceId', String(filters.value.sourceId));
    if (filters.value.status) params.set('status', filters.value.status);
    try {
      const rows = await api<WebhookEntry[]>('GET', `/api/webhooks?${params}`);
      if (mine !== logRequest) return;
      log.value = rows;
      logError.value = '';
    } catch (error) {
      if (mine === logRequest) logError.value = (error as Error).message;
    }
  }

  function setFilters(next: Partial<typeof filters.value>): Promise<void> {
    filters.value = { ...filters.value, ...next };
    return loadLog();
  }

  function put(source: WebhookSource): void {
    const index = sources.value.findIndex((s) => s.id === source.id);
    if (index >= 0) sources.value.splice(index, 1, source);
    else sources.value.push(source);
  }

  async function save(draft: SourceDraft, id?: number): Promise<WebhookSource> {
    const saved = id
      ? await api<WebhookSource>('PUT', `${SOURCES}/${id}`, draft)
      : await api<WebhookSource>('POST', SOURCES, draft);
    put(saved);
    return saved;
  }

  async function run<T>(id: number, action: SourceAction, work: () => Promise<T>): Promise<T> {
    pending.value = { ...pending.value, [id]: action };
    try {
      return await work();
    } finally {
      const { [id]: _done, ...rest } = pending.value;
      pending.value = rest;
    }
  }

  /** A new URL: the old one stops working at once. */
  function regenerateToken(id: number): Promise<void> {
    return run(id, 'token', async () => put(await api<WebhookSource>('POST', `${SOURCES}/${id}/token`)));
  }

  function setActive(id: number, active: boolean): Promise<void> {
    return run(id, 'active', async () =>
      put(await api<WebhookSource>('PUT', `${SOURCES}/${id}`, { active } satisfies SourceUpdateBody)),
    );
  }

  /** The source's sample signal through the same intake as TradingView's: it places a real order. */
  function sendTest(id: number): Promise<TestResult> {
    return run(id, 'test', async () => {
      const result = await api<TestResult>('POST', `${SOURCES}/${id}/test`);
      await loadLog();
      return result;
    });
  }

  function remove(id: number): Promise<void> {
    return run(id, 'delete', async () => {
      await api('DELETE', `${SOURCES}/${id}`);
      sources.value = sources.value.filter((s) => s.id !== id);
      if (filters.value.sourceId === id) filters.value = { ...filters.value, sourceId: null };
      await loadLog();
    });
  }

  let unlisten: (() => void) | undefined;
  /** The page opens: sources, the brokers the form offers, the log, and its realtime refresh. */
  async function start(): Promise<void> {
    unlisten?.();
    unlisten = useStatusStore().listen('webhook:changed', () => void loadLog());
    await Promise.all([loadSources(), loadLog(), useBrokersStore().load()]);
  }

  function stopListening(): void {
    unlisten?.();
    unlisten = undefined;
  }

  return {
    sources,
    loaded,
    loadError,
    log,
    logError,
    filters,
    pending,
    loadSources,
    loadLog,
    setFilters,
    save,
    regenerateToken,
    setActive,
    sendTest,
    remove,
    start,
    stopListening,
  };
});
