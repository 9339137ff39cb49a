import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AccessGuard } from './access.guard.js';
import { AccessRepository } from './access.repository.js';
import { AccessService } from './access.service.js';
import { AuthController } from './auth.controller.js';
import { LiveAccess } from './live-access.js';
import { OidcService } from './oidc.service.js';
import { ScopeService } from './scope.service.js';
import { TokensController } from './tokens.controller.js';

/** Sign-in and token requests one address may make per minute, per route. */
export const SIGN_IN_LIMIT_PER_MINUTE = 30;

/**
 * Access (DESIGN.md §6): sessions and tokens, the global guard every route passes, the scope
 * each caller sees (ScopeService, for any code asking which accounts a caller may see), and the
 * live socket's authority.
 */
@Module({})
export class AccessModule {
  /** `imports` must export the ViewsService (the people and accounts scope is computed from). */
  static forRoot(imports: ModuleMetadata['imports']): DynamicModule {
    return {
      module: AccessModule,
      imports: [
        ...(imports ?? []),
        ThrottlerModule.forRoot([{ ttl: 60_000, limit: SIGN_IN_LIMIT_PER_MINUTE }]),
      ],
      controllers: [AuthController, TokensController],
      providers: [
        AccessRepository,
        AccessService,
        ScopeService,
        OidcService,
        LiveAccess,
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
      exports: [AccessService, ScopeService, LiveAccess],
    };
  }
}
