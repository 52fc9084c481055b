import type { PublicUser } from '../../core/auth/users.service';

// The JSON of the auth and debug routes; the web app reads its types from here.

/** A sign-in (login, registration, the debug switch): the user, and the CSRF token of the session just opened. */
export interface SignedIn {
  user: PublicUser;
  csrfToken: string;
}

/** `GET /api/auth/me` and `PUT /api/auth/preferences`. */
export interface UserReply {
  user: PublicUser;
}

/** `POST /api/auth/password`: the token of the new session this browser goes on in. */
export interface PasswordChanged {
  csrfToken: string;
}

/** `GET /api/debug`: whether debug mode can be switched on (DEBUG_ARISTOBOT), and whether it is. */
export interface DebugState {
  available: boolean;
  active: boolean;
}

/** `POST /api/debug`: switched on, it signs in as `dev`. */
export type DebugSwitched = DebugState & Partial<SignedIn>;
