import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  REGIONS,
  type RenewalsView,
  type ScopeFilters,
  SEGMENTS,
  SUCCESS_TIERS,
  type TeamView,
} from '@pulse/domain';
import { RENEWALS_DEFAULT_DAYS, RENEWALS_MAX_DAYS, renewalWindow, TEAM_VIEW_KINDS } from '@pulse/protocol';
import type { Request } from 'express';
import { Access } from '../access/access.decorators.js';
import { callerOf } from '../access/access.guard.js';
import { ScopeService } from '../access/scope.service.js';
import { ViewsService } from '../views/views.service.js';
import { forbidden, invalidParameter } from './api-errors.js';
import { identifier, integer, oneOf, parseQuery } from './query-parser.js';

const SCOPE_FILTERS = {
  region: oneOf(REGIONS),
  segment: oneOf(SEGMENTS),
  tier: oneOf(SUCCESS_TIERS),
  owner: identifier(),
  manager: identifier(),
};
const VIEWS = [...TEAM_VIEW_KINDS, 'renewals'] as const;

@ApiTags('kpis')
@Controller('api/kpis')
@Access({ display: true })
export class KpisController {
  constructor(
    private readonly views: ViewsService,
    private readonly scope: ScopeService,
  ) {}

  @Get(':view')
  @ApiOperation({ summary: 'KPI cards and chart data of a team view (KPIS.md §7), or the renewals view' })
  @ApiParam({ name: 'view', enum: VIEWS })
  @ApiQuery({ name: 'region', required: false, enum: REGIONS })
  @ApiQuery({ name: 'segment', required: false, enum: SEGMENTS })
  @ApiQuery({ name: 'tier', required: false, enum: SUCCESS_TIERS })
  @ApiQuery({ name: 'owner', required: false, description: 'team member id: their book' })
  @ApiQuery({ name: 'manager', required: false, description: 'team member id: their reports’ books' })
  @ApiQuery({
    name: 'days',
    required: false,
    description: `renewals only: window in days (default ${RENEWALS_DEFAULT_DAYS}), rounded up like the live topic's`,
  })
  kpis(
    @Param('view') view: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
  ): TeamView | RenewalsView {
    const kind = oneOf(VIEWS)(view, 'view');
    const caller = callerOf(request);
    if (kind === 'renewals') {
      const { days, ...filters } = parseQuery(query, {
        ...SCOPE_FILTERS,
        days: integer(1, RENEWALS_MAX_DAYS),
      });
      this.refuseFilterNamingNobody(filters);
      this.refuseWiderThanScope(caller, kind, filters);
      // The same window as the live topic `renewals?days=N`, so both show the same rows.
      return this.views.renewalsView(renewalWindow(days ?? RENEWALS_DEFAULT_DAYS), filters);
    }
    if ('days' in query) throw invalidParameter('days', 'applies to the renewals view only');
    const filters = parseQuery(query, SCOPE_FILTERS);
    this.refuseFilterNamingNobody(filters);
    this.refuseWiderThanScope(caller, kind, filters);
    return this.views.teamView(kind, filters);
  }

  /** A view wider than the caller's scope is refused (403 naming the filter), never silently narrowed. */
  private refuseWiderThanScope(
    caller: ReturnType<typeof callerOf>,
    view: string,
    filters: ScopeFilters,
  ): void {
    const refusal = this.scope.refuseView(caller, view, filters);
    if (refusal) throw forbidden(`${refusal.field}: ${refusal.message}`, refusal.field);
  }

  private refuseFilterNamingNobody(filters: ScopeFilters): void {
    const nobody = this.views.filterNamingNobody(filters);
    if (nobody) throw invalidParameter(nobody.filter, `no team member '${nobody.id}'`);
  }
}
