import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '@/api/client';
import type { SweepDetail, SweepQueued, SweepRequest, SweepSummary } from '@/api/sweeps';
import { useStatusStore } from './status';

const SWEEPS = '/api/sweeps';
/** Progress events come once per run: the open sweep is refetched at most this often while it runs. */
const REFETCH_MS = 700;

/**
 * The Optimisation tab's state: the user's sweeps, and the one shown (refetched as `sweep:progress` events arrive).
 */
export const useSweepsStore = defineStore('sweeps', () => {
  const list = ref<SweepSummary[]>([]);
  const current = ref<SweepDetail | null>(null);
  const error = ref('');

  async function load(): Promise<void> {
    list.value = await api<SweepSummary[]>('GET', SWEEPS);
  }

  let opening = 0;
  async function open(id: number): Promise<void> {
    const mine = ++opening;
    const detail = await api<SweepDetail>('GET', `${SWEEPS}/${id}`);
    if (mine === opening) current.value = detail;
  }

  async function launch(request: SweepRequest): Promise<number> {
    const { id } = await api<SweepQueued>('POST', SWEEPS, request);
    await open(id);
    await load();
    return id;
  }

  async function cancel(id: number): Promise<void> {
    await api('POST', `${SWEEPS}/${id}/cancel`);
    await open(id);
    await load();
  }

  async function remove(id: number): Promise<void> {
    await api('DELETE', `${SWEEPS}/${id}`);
    if (current.value?.id === id) current.value = null;
    await load();
  }

  let timer: ReturnType<typeof setTimeout> | null = null;
  let stop: (() => void) | null = null;
  /** Follows the progress of the user's sweeps while the tab is shown; returns the function that stops it. */
  function follow(): () => void {
    stop?.();
    const off = useStatusStore().listen('sweep:progress', (event) => {
      const shown = current.value;
      const over = ['completed', 'failed', 'cancelled'].includes(event.status);
      if (shown?.id === event.id && over) {
        // The end is shown with the runs it ended with, not before they are fetched.
        void open(event.id).catch((e: Error) => (error.value = e.message));
      } else if (shown?.id === event.id) {
        shown.status = event.status;
        shown.phase = event.phase;
        shown.progress = { ...shown.progress, done: event.done, total: event.total };
        if (!timer) {
          timer = setTimeout(() => {
            timer = null;
            void open(event.id).catch((e: Error) => (error.value = e.message));
          }, REFETCH_MS);
        }
      }
      if (over) void load();
    });
    stop = () => {
      off();
      if (timer) clearTimeout(timer);
      timer = null;
      stop = null;
    };
    return stop;
  }

  return { list, current, error, load, open, launch, cancel, remove, follow };
});
