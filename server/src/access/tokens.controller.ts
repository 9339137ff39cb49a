import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { REGIONS, type ScopeFilters, SEGMENTS, SUCCESS_TIERS } from '@pulse/domain';
import { TEAM_FILTER_KEYS } from '@pulse/protocol';
import type { Request } from 'express';
import { forbidden, invalidParameter, notFound } from '../api/api-errors.js';
import { type FieldParser, identifier, integer, oneOf, parseQuery } from '../api/query-parser.js';
import { Access } from './access.decorators.js';
import { callerOf } from './access.guard.js';
import type { TokenRow } from './access.repository.js';
import { AccessService } from './access.service.js';
import { type Caller, DISPLAY_VIEWS } from './caller.js';
import { LiveAccess } from './live-access.js';
import { ScopeService } from './scope.service.js';

const FILTER_PARSERS: Record<(typeof TEAM_FILTER_KEYS)[number], FieldParser<string>> = {
  manager: identifier(),
  owner: identifier(),
  region: oneOf(REGIONS),
  segment: oneOf(SEGMENTS),
  tier: oneOf(SUCCESS_TIERS),
};

export interface NewToken {
  kind: 'api' | 'display';
  name: string;
  scope: 'read' | 'read_write';
  views: string[];
  filters: ScopeFilters;
}

/** A token as listed: never its secret, which only the creation answer carries. */
export type TokenListing = TokenRow & { wallPath: string | null };

/** Reads a token request body, naming the field and the reason of the first problem. */
function readNewToken(body: unknown): NewToken {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidParameter('body', 'must be a JSON object');
  }
  const raw = body as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!['kind', 'name', 'scope', 'views', 'filters'].includes(key)) {
      throw invalidParameter(key, 'unknown field (allowed: kind, name, scope, views, filters)');
    }
  }
  if (raw.kind !== 'api' && raw.kind !== 'display')
    throw invalidParameter('kind', "must be 'api' or 'display'");
  if (typeof raw.name !== 'string' || raw.name.trim() === '' || raw.name.length > 100) {
    throw invalidParameter('name', 'must be a text of 1 to 100 characters saying what the token is for');
  }
  const scope = raw.scope ?? 'read';
  if (scope !== 'read' && scope !== 'read_write')
    throw invalidParameter('scope', "must be 'read' or 'read_write'");
  if (raw.kind === 'display') {
    if (scope !== 'read') throw invalidParameter('scope', 'a display token is read-only');
    const views = raw.views;
    if (!Array.isArray(views) || views.length === 0 || views.some((v) => !DISPLAY_VIEWS.includes(v))) {
      throw invalidParameter('views', `must list one or more of ${DISPLAY_VIEWS.join(', ')}`);
    }
    const filtersRaw = raw.filters ?? {};
    if (typeof filtersRaw !== 'object' || filtersRaw === null || Array.isArray(filtersRaw)) {
      throw invalidParameter('filters', 'must be an object like {"region": "emea"}');
    }
    const filters: Record<string, string> = {};
    for (const [key, value] of Object.entries(filtersRaw)) {
      const parse = FILTER_PARSERS[key as keyof typeof FILTER_PARSERS];
      if (!parse)
        throw invalidParameter(`filters.${key}`, `unknown filter (allowed: ${TEAM_FILTER_KEYS.join(', ')})`);
      if (typeof value !== 'string') throw invalidParameter(`filters.${key}`, 'must be a text');
      filters[key] = parse(value, `filters.${key}`);
    }
    return {
      kind: 'display',
      name: raw.name.trim(),
      scope: 'read',
      views: [...new Set(views as string[])],
      filters,
    };
  }
  if (raw.views !== undefined || raw.filters !== undefined) {
    throw invalidParameter('views', 'an API token has no views or filters: it reads every account');
  }
  return { kind: 'api', name: raw.name.trim(), scope, views: [], filters: {} };
}

const wallPath = (token: TokenRow): string | null =>
  token.kind === 'display'
    ? `/wall?${new URLSearchParams({ views: token.views.join(','), ...(token.filters as Record<string, string>) })}`
    : null;

/**
 * API tokens (admins) and wall-display tokens (admins, and managers for their own reports' books):
 * created with their secret shown once, listed with their last use, revoked at once — an open
 * wall on a revoked token is disconnected.
 */
@ApiTags('tokens')
@Controller('api/tokens')
@UseGuards(ThrottlerGuard)
@Access({ roles: ['admin', 'manager'] })
export class TokensController {
  constructor(
    private readonly access: AccessService,
    private readonly scope: ScopeService,
    private readonly live: LiveAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Tokens with their last use (managers: the display tokens they created)' })
  async list(
    @Req() request: Request,
    @Query() query: Record<string, unknown>,
  ): Promise<{ tokens: TokenListing[] }> {
    parseQuery(query, {});
    const caller = callerOf(request);
    const tokens = (await this.access.listTokens()).filter((token) => this.mayManage(caller, token));
    return { tokens: tokens.map((token) => ({ ...token, wallPath: wallPath(token) })) };
  }

  @Post()
  @ApiOperation({
    summary:
      'Creates a token: {"kind":"api","name","scope":"read"|"read_write"} (admins) or {"kind":"display","name","views":["csm"],"filters":{"region":"emea"}}. The secret is in this answer only.',
  })
  async create(
    @Req() request: Request,
    @Body() body: unknown,
  ): Promise<{ token: TokenListing; secret: string; wallUrl: string | null }> {
    const caller = callerOf(request);
    const spec = readNewToken(body);
    if (spec.kind === 'api' && caller.role !== 'admin')
      throw forbidden('only an admin may create API tokens');
    if (spec.kind === 'display') {
      for (const view of spec.views) {
        const refusal = this.scope.refuseView(caller, view, spec.filters);
        if (refusal) throw forbidden(`filters: ${refusal.message}`, `filters.${refusal.field}`);
      }
    }
    const { token, secret } = await this.access.createToken(caller, spec);
    const path = wallPath(token);
    return {
      token: { ...token, wallPath: path },
      secret,
      wallUrl: path && `${path}&token=${encodeURIComponent(secret)}`,
    };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revokes a token; walls showing it are disconnected within seconds' })
  async revoke(@Req() request: Request, @Param('id') rawId: string): Promise<void> {
    const caller = callerOf(request);
    const id = identifier()(rawId, 'id');
    const token = await this.access.tokenById(id);
    if (!token || !this.mayManage(caller, token)) throw notFound('token', id);
    if (token.revokedAt === null) await this.access.revokeToken(caller, id);
    this.live.disconnectToken(id);
  }

  @Get('audit')
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Recent sign-ins, token creations and revocations (admins)' })
  async audit(@Query() query: Record<string, unknown>) {
    const { limit } = parseQuery(query, { limit: integer(1, 1_000) });
    return { entries: await this.access.auditLog(limit ?? 100) };
  }

  private mayManage(caller: Caller, token: TokenRow): boolean {
    if (caller.role === 'admin') return true;
    return (
      token.kind === 'display' && caller.memberId !== null && token.createdBy === `member:${caller.memberId}`
    );
  }
}
