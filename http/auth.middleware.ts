import type { NextFunction, Request, Response } from 'express';
import { Tenant } from '../core/db/tenant';
import { User } from '../core/db/models';
import { AuthenticationError, ForbiddenError } from '../core/errors';
import { userReadWithSession } from './session';

/** Loads the signed-in user (if any) into res.locals.user. A session whose user was deleted is ended. */
export async function loadUser(req: Request, res: Response, next: NextFunction): Promise<void> {
  const userId = req.session?.userId;
  if (userId) {
    const row = userReadWithSession(req);
    const user =
      row === undefined || (row && Number(row.id) !== userId)
        ? await User.query().findById(userId)
        : row && User.fromDatabaseJson(row);
    if (user) res.locals.user = user;
    else delete req.session.userId;
  }
  next();
}

export function currentUser(res: Response): User {
  const user = res.locals.user as User | undefined;
  if (!user) throw new AuthenticationError();
  return user;
}

/** The signed-in user's data scope: every user-owned query in a route goes through it. */
export function tenant(res: Response): Tenant {
  return new Tenant(currentUser(res).id);
}

export function requireUser(_req: Request, res: Response, next: NextFunction): void {
  currentUser(res);
  next();
}

export function requireAdmin(_req: Request, res: Response, next: NextFunction): void {
  if (!currentUser(res).is_admin) throw new ForbiddenError('Réservé aux administrateurs', 'ADMIN_REQUIRED');
  next();
}

/** Starts a fresh session for this user (a new id, so a session fixed before login is worthless). */
export function signIn(req: Request, userId: number): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((error) => {
      if (error) return reject(error);
      req.session.userId = userId;
      req.session.save((saveError) => (saveError ? reject(saveError) : resolve()));
    });
  });
}

export function signOut(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!req.session) return resolve();
    req.session.destroy((error) => (error ? reject(error) : resolve()));
  });
}
