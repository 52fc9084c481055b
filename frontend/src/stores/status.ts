import { defineStore } from 'pinia';
import { ref } from 'vue';
import { io, type Socket } from 'socket.io-client';
import type { ServerEventName, ServerToClientEvents } from '@core/realtime/events';
import { api } from '@/api/client';
import type { AppStatus } from '@/api/types';
import { useAuthStore } from './auth';
import { usePrefsStore } from './prefs';

const POLL_MS = 30_000;

/** The header status bar: fetched on sign-in, refreshed on realtime events, polled as a fallback. */
export const useStatusStore = defineStore('status', () => {
  const status = ref<AppStatus | null>(null);
  const realtimeConnected = ref(false);
  let socket: Socket<ServerToClientEvents> | null = null;
  /** Page listeners, kept here so that they survive a reconnect of the socket. */
  const listeners = new Map<ServerEventName, Set<(payload: never) => void>>();
  let timer: ReturnType<typeof setInterval> | null = null;

  async function refresh(): Promise<void> {
    try {
      status.value = await api<AppStatus>('GET', '/api/status');
    } catch {
      status.value = null;
    }
  }

  function connect(): void {
    disconnect();
    void refresh();
    socket = io({ transports: ['websocket'] });
    socket.on('connect', () => {
      realtimeConnected.value = true;
      void refresh();
    });
    socket.on('disconnect', () => (realtimeConnected.value = false));
    socket.on('status:changed', () => void refresh());
    socket.on('account:updated', (prefs) => {
      const auth = useAuthStore();
      if (auth.user) auth.setUser({ ...auth.user, ...prefs });
      else Object.assign(usePrefsStore(), prefs);
    });
    for (const [event, handlers] of listeners) {
      for (const handler of handlers) socket.on(event, handler as never);
    }
    timer = setInterval(() => void refresh(), POLL_MS);
  }

  /** Listens to a realtime event while a page is shown; returns the function that stops listening. */
  function listen<E extends ServerEventName>(event: E, handler: ServerToClientEvents[E]): () => void {
    const handlers = listeners.get(event) ?? new Set();
    listeners.set(event, handlers);
    handlers.add(handler as never);
    socket?.on(event, handler as never);
    return () => {
      handlers.delete(handler as never);
      socket?.off(event, handler as never);
    };
  }

  function disconnect(): void {
    socket?.disconnect();
    socket = null;
    realtimeConnected.value = false;
    if (timer) clearInterval(timer);
    timer = null;
  }

  return { status, realtimeConnected, refresh, connect, disconnect, listen };
});
