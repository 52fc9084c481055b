import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, setCsrfToken } from '@/api/client';
import type {
  DebugState,
  DebugSwitchBody,
  DebugSwitched,
  LoginBody,
  PasswordBody,
  PasswordChanged,
  PreferencesBody,
  RegisterBody,
  SignedIn,
  User,
  UserReply,
} from '@/api/types';
import { usePrefsStore } from './prefs';

/** The signed-in user and the ways in and out (password, debug mode, registration). */
export const useAuthStore = defineStore('auth', () => {
  const user = ref<User | null>(null);
  const checked = ref(false);
  const prefs = usePrefsStore();

  function adopt(signedIn: SignedIn): void {
    setCsrfToken(signedIn.csrfToken);
    setUser(signedIn.user);
  }

  function setUser(next: User): void {
    user.value = next;
    prefs.theme = next.theme;
    prefs.displayTimezone = next.displayTimezone;
    prefs.language = next.language;
  }

  async function fetchMe(): Promise<void> {
    try {
      setUser((await api<UserReply>('GET', '/api/auth/me')).user);
    } catch {
      user.value = null;
    } finally {
      checked.value = true;
    }
  }

  async function login(username: string, password: string): Promise<void> {
    adopt(await api<SignedIn>('POST', '/api/auth/login', { username, password } satisfies LoginBody));
  }

  async function register(username: string, password: string): Promise<void> {
    adopt(await api<SignedIn>('POST', '/api/auth/register', { username, password } satisfies RegisterBody));
  }

  async function logout(): Promise<void> {
    await api('POST', '/api/auth/logout');
    setCsrfToken(null);
    user.value = null;
  }

  async function debugState(): Promise<DebugState> {
    return api<DebugState>('GET', '/api/debug');
  }

  /** Turning debug mode on signs in as `dev`; turning it off only stores OFF. */
  async function setDebug(active: boolean): Promise<DebugState> {
    const result = await api<DebugSwitched>('POST', '/api/debug', { active } satisfies DebugSwitchBody);
    if (result.user && result.csrfToken) adopt({ user: result.user, csrfToken: result.csrfToken });
    return { available: result.available, active: result.active };
  }

  /** The server moves this browser to a new session (the others end): its answer carries that session's token. */
  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const { csrfToken } = await api<PasswordChanged>('POST', '/api/auth/password', {
      currentPassword,
      newPassword,
    } satisfies PasswordBody);
    setCsrfToken(csrfToken);
  }

  async function savePreferences(patch: PreferencesBody): Promise<void> {
    setUser((await api<UserReply>('PUT', '/api/auth/preferences', patch)).user);
  }

  return {
    user,
    checked,
    fetchMe,
    login,
    register,
    logout,
    debugState,
    setDebug,
    changePassword,
    savePreferences,
    setUser,
  };
});
