import { SetMetadata } from '@nestjs/common';
import type { Caller } from './caller.js';

export const ACCESS_RULE = Symbol('ACCESS_RULE');

/**
 * What a route requires beyond "signed in" (the default of every route: the global AccessGuard
 * answers 401 without a session or token, and refuses display tokens and read-only tokens where
 * they do not belong). Declare it on a controller or a handler:
 *
 *   @Access({ public: true })            health, sign-in: no credentials needed
 *   @Access({ roles: ['admin'] })        only these roles (people or PULSE_ADMIN_TOKEN as admin)
 *   @Access({ display: true })           wall displays may call it too (read-only)
 *
 * Writes (any method but GET/HEAD/OPTIONS) need a caller that can write: a person, a read+write
 * API token or the admin token; from a cookie session they also need the CSRF header.
 */
export interface AccessRule {
  public?: boolean;
  roles?: readonly Caller['role'][];
  display?: boolean;
}

export const Access = (rule: AccessRule) => SetMetadata(ACCESS_RULE, rule);

/** Shorthand for `@Access({ public: true })`. */
export const Public = () => Access({ public: true });
