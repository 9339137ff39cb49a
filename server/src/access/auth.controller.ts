import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Role } from '@pulse/domain';
import type { Request, Response } from 'express';
import { ApiError, ApiErrorCode, invalidParameter, notFound, unauthorized } from '../api/api-errors.js';
import { type AppConfig, isDemo } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Access, Public } from './access.decorators.js';
import { callerOf } from './access.guard.js';
import { AccessRepository } from './access.repository.js';
import { AccessService } from './access.service.js';
import type { Caller } from './caller.js';
import { OidcService, SignInError } from './oidc.service.js';
import { ScopeService } from './scope.service.js';
import { clearSessionCookie, publicOrigin, setSessionCookie } from './session-cookie.js';

/** The personas of the demo's sign-in page, in the order shown. */
export const PERSONA_ROLES: readonly Role[] = ['cse', 'csm', 'csa', 'manager', 'ae', 'rm', 'admin'];

const CALLBACK_PATH = '/api/auth/oidc/callback';

export interface SignInOptions {
  /** The embedded demo: pick a persona instead of signing in. */
  demo: boolean;
  /** Single sign-on is configured. */
  oidc: boolean;
  personas: Array<{ id: string; name: string; role: Role }>;
}

export interface Me {
  kind: Caller['kind'];
  role: Caller['role'];
  memberId: string | null;
  name: string;
  /** Echo as the x-pulse-csrf header on writes (cookie sessions only). */
  csrfToken: string | null;
  /** Where "my book" is: the path and query of the person's own view. */
  home: string;
  display: Caller['display'];
}

/** A same-origin path to return to after sign-in (never another site). */
function safeReturn(raw: unknown): string {
  return typeof raw === 'string' && /^\/(?!\/)[^\\]*$/.test(raw) && raw.length <= 2_000 ? raw : '/';
}

@ApiTags('auth')
@Controller('api/auth')
@UseGuards(ThrottlerGuard)
export class AuthController {
  constructor(
    private readonly access: AccessService,
    private readonly repository: AccessRepository,
    private readonly scope: ScopeService,
    private readonly oidc: OidcService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('options')
  @Public()
  @ApiOperation({
    summary: 'How to sign in here: single sign-on, and the demo personas (embedded demo only)',
  })
  async options(): Promise<SignInOptions> {
    const demo = isDemo(this.config);
    const personas = demo ? await this.repository.personas(PERSONA_ROLES) : [];
    return {
      demo,
      oidc: this.oidc.enabled,
      personas: personas.map(({ id, name, role }) => ({ id, name, role })),
    };
  }

  @Get('me')
  @Access({ display: true })
  @ApiOperation({ summary: 'Who is signed in, their CSRF token and their own book' })
  me(@Req() request: Request): Me {
    const caller = callerOf(request);
    return {
      kind: caller.kind,
      role: caller.role,
      memberId: caller.memberId,
      name: caller.name,
      csrfToken: caller.session?.csrfToken ?? null,
      home: this.home(caller),
      display: caller.display,
    };
  }

  /** "My book": a person's own view after sign-in; the whole CSM view for those who see everything. */
  private home(caller: Caller): string {
    if (caller.display) {
      const query = new URLSearchParams({ views: caller.display.views.join(','), ...caller.display.filters });
      return `/wall?${query}`;
    }
    const filters = new URLSearchParams(this.scope.homeFilters(caller) as Record<string, string>);
    const view = caller.role === 'cse' || caller.role === 'csa' ? caller.role : 'csm';
    return filters.size > 0 ? `/${view}?${filters}` : `/${view}`;
  }

  @Post('demo')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Embedded demo only: sign in as a persona ({"memberId"})' })
  async demo(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ home: string }> {
    if (!isDemo(this.config)) throw notFound('route', 'POST /api/auth/demo');
    const memberId = (body as { memberId?: unknown } | null)?.memberId;
    if (typeof memberId !== 'string' || memberId === '') {
      throw invalidParameter('memberId', 'must be the id of a team member');
    }
    const member = await this.repository.memberById(memberId);
    if (!member) throw invalidParameter('memberId', `no team member '${memberId.slice(0, 64)}'`);
    const { sessionId, caller } = await this.access.signIn(member, 'demo');
    setSessionCookie(this.config, request, response, sessionId, 'person');
    return { home: this.home(caller) };
  }

  @Get('oidc/login')
  @Public()
  @ApiOperation({ summary: 'Starts single sign-on: redirects to the identity provider' })
  async login(@Query('returnTo') returnTo: unknown, @Req() request: Request, @Res() response: Response) {
    try {
      const url = await this.oidc.authorizationUrl(
        `${publicOrigin(this.config, request)}${CALLBACK_PATH}`,
        safeReturn(returnTo),
      );
      response.redirect(302, url.href);
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      response.redirect(302, `/sign-in?${new URLSearchParams({ error: error.message })}`);
    }
  }

  @Get('oidc/callback')
  @Public()
  @ApiOperation({
    summary: 'The identity provider redirects here; opens the session, then goes to the page asked for',
  })
  async callback(@Req() request: Request, @Res() response: Response) {
    const origin = publicOrigin(this.config, request);
    try {
      const { email, returnTo } = await this.oidc.finish(new URL(request.originalUrl, origin));
      const member = await this.repository.memberByEmail(email);
      if (!member) {
        await this.access.audit({
          event: 'sign_in_refused',
          actor: `oidc:${email}`,
          detail: { reason: 'no team member' },
        });
        throw new SignInError(`${email} is not a team member in Pulse; ask an admin to add you`);
      }
      const { sessionId, caller } = await this.access.signIn(member, 'oidc');
      setSessionCookie(this.config, request, response, sessionId, 'person');
      response.redirect(302, returnTo === '/' ? this.home(caller) : returnTo);
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      response.redirect(302, `/sign-in?${new URLSearchParams({ error: error.message })}`);
    }
  }

  @Post('display')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'A wall display trades its token ({"token"}) for a session that lasts until revoked',
  })
  async display(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ home: string }> {
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token === '') throw invalidParameter('token', 'must be a display token');
    const signedIn = await this.access.signInDisplay(token);
    if (!signedIn) throw unauthorized('this display token is unknown or revoked');
    setSessionCookie(this.config, request, response, signedIn.sessionId, 'display');
    return { home: this.home(signedIn.caller) };
  }

  @Post('sign-out')
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends this browser’s session' })
  async signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const caller = callerOf(request);
    if (!caller.session) throw new ApiError(400, ApiErrorCode.BadRequest, 'a token has no session to end');
    await this.access.signOut(caller);
    clearSessionCookie(this.config, request, response);
  }
}
