import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { forbidden, unauthorized } from '../api/api-errors.js';
import { ACCESS_RULE, type AccessRule } from './access.decorators.js';
import { AccessService, CSRF_HEADER } from './access.service.js';
import type { Caller } from './caller.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The request's caller, set by the AccessGuard (absent on public routes without credentials). */
export function callerOf(request: Request): Caller {
  const caller = (request as Request & { caller?: Caller }).caller;
  if (!caller) throw unauthorized();
  return caller;
}

/**
 * Applied to every route of the app (APP_GUARD): nothing answers without a session or token unless
 * it says `@Access({ public: true })`. Then the route's roles, display and write rules, and CSRF:
 * a cookie-authenticated write must echo the session's token in the `x-pulse-csrf` header, which
 * a page of another site cannot read or set.
 */
/** The people a rule lets in, as a reader would say it: 'admins and managers' (tokens go unsaid). */
function rolesInWords(roles: readonly Caller['role'][]): string {
  const people = roles.filter((role) => role !== 'service' && role !== 'display');
  // cse → CSEs, ae → AEs; admin → admins, manager → managers.
  const plural = people.map(
    (role) => `${role === 'admin' || role === 'manager' ? role : role.toUpperCase()}s`,
  );
  return plural.length > 1
    ? `${plural.slice(0, -1).join(', ')} and ${plural.at(-1)}`
    : (plural[0] ?? 'API tokens');
}

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule =
      this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
        context.getHandler(),
        context.getClass(),
      ]) ?? {};
    const request = context.switchToHttp().getRequest<Request & { caller?: Caller }>();
    const caller = await this.access.authenticate({
      authorization: request.headers.authorization,
      cookie: request.headers.cookie,
    });
    if (caller) request.caller = caller;
    if (rule.public) return true;
    if (!caller) throw unauthorized();
    if (caller.kind === 'display' && !rule.display) {
      throw forbidden('a wall display may only read the views its token is bound to');
    }
    if (rule.roles && !rule.roles.includes(caller.role)) {
      throw forbidden(`only ${rolesInWords(rule.roles)} may do this`);
    }
    if (!READS.has(request.method)) {
      if (!caller.canWrite) throw forbidden('this token is read-only');
      if (caller.session && request.headers[CSRF_HEADER] !== caller.session.csrfToken) {
        throw forbidden(`a write from a signed-in browser needs the ${CSRF_HEADER} header of its session`);
      }
    }
    return true;
  }
}
