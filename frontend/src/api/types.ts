import type { z } from 'zod';
import type { changePasswordSchema, loginSchema, preferencesSchema, registerSchema } from '@core/auth/users.service';
import type { debugSwitchSchema } from '@http/routes/debug-fields';
import type { HeartbeatStatus as HeartbeatStatusView } from '@http/routes/status-views';
import type { Json } from './client';

export type { HeartbeatSignal } from '@core/realtime/events';
export type { PublicUser as User } from '@core/auth/users.service';
export type { DebugState, DebugSwitched, PasswordChanged, SignedIn, UserReply } from '@http/routes/auth-views';
export type { AppStatus, HeartbeatHistory } from '@http/routes/status-views';
export type HeartbeatStatus = Json<HeartbeatStatusView>;

export type LoginBody = z.input<typeof loginSchema>;
export type RegisterBody = z.input<typeof registerSchema>;
export type PasswordBody = z.input<typeof changePasswordSchema>;
export type PreferencesBody = z.input<typeof preferencesSchema>;
export type DebugSwitchBody = z.input<typeof debugSwitchSchema>;
