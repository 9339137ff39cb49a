import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  COLORS,
  type DrillDown,
  type DrillTarget,
  type KpiHelp,
  OUTCOME_STAGES,
  PLAN_STATUSES_SHOWN,
  REGIONS,
  type RenewalsView,
  type ScopeFilters,
  SEGMENTS,
  SUCCESS_TIERS,
  type TeamView,
  UnknownDrillTarget,
  USE_CASES,
  WATERFALL_BUCKETS,
} from '@pulse/domain';
import { RENEWALS_DEFAULT_DAYS, RENEWALS_MAX_DAYS, renewalWindow, TEAM_VIEW_KINDS } from '@pulse/protocol';
import type { Request } from 'express';
import { Access } from '../access/access.decorators.js';
import { callerOf } from '../access/access.guard.js';
import { ScopeService } from '../access/scope.service.js';
import { Clock } from '../clock/clock.js';
import { HistoryRetentionService } from '../history/history-retention.service.js';
import { type AsOf, AsOfViewsService } from '../views/as-of-views.service.js';
import { filterNamingNobody, ViewsService } from '../views/views.service.js';
import { invalidParameter } from './api-errors.js';
import { asOfMoment, identifier, integer, oneOf, type ParsedQuery, parseQuery } from './query-parser.js';

/** The filters of a team or renewals view, and the past moment to show it as of (not after `now`). */
export const scopeFilters = (now: () => Date) => ({
  region: oneOf(REGIONS),
  segment: oneOf(SEGMENTS),
  tier: oneOf(SUCCESS_TIERS),
  owner: identifier(),
  manager: identifier(),
  asOf: asOfMoment(now),
});
const VIEWS = [...TEAM_VIEW_KINDS, 'renewals'] as const;
/** What a drill-down may name: one card (of the team or of a leaderboard member) or one part of a chart. */
const drillQuery = (now: () => Date) => ({
  ...scopeFilters(now),
  card: identifier(),
  member: identifier(),
  useCase: oneOf(USE_CASES),
  color: oneOf(COLORS),
  quarter: identifier(),
  bucket: oneOf(WATERFALL_BUCKETS),
  status: oneOf(PLAN_STATUSES_SHOWN),
  stage: oneOf(OUTCOME_STAGES),
});

function drillTarget(query: ParsedQuery<ReturnType<typeof drillQuery>>): DrillTarget {
  const { card, member, useCase, color, quarter, bucket, status, stage } = query;
  if (card !== undefined) return { kind: 'card', key: card, ...(member ? { member } : {}) };
  if (member !== undefined) throw invalidParameter('member', 'applies to a card only');
  if (useCase !== undefined && color !== undefined) return { kind: 'adoption', useCase, color };
  if (quarter !== undefined) return { kind: 'waterfall', quarter, ...(bucket ? { bucket } : {}) };
  if (status !== undefined) return { kind: 'plan', status };
  if (stage !== undefined) return { kind: 'outcome', stage };
  throw invalidParameter(
    'card',
    'name what to drill into: card, useCase and color, quarter (and bucket), status, or stage',
  );
}

@ApiTags('kpis')
@Controller('api/kpis')
@Access({ display: true })
export class KpisController {
  constructor(
    private readonly views: ViewsService,
    private readonly asOfViews: AsOfViewsService,
    private readonly retention: HistoryRetentionService,
    private readonly scope: ScopeService,
    private readonly clock: Clock,
  ) {}

  private readonly scopeFilters = scopeFilters(() => this.clock.now());
  private readonly drillQuery = drillQuery(() => this.clock.now());

  @Get(':view/drill')
  @ApiOperation({
    summary:
      'The accounts behind a card (those missing its target first, with the column that decides it) or behind a part of a chart',
  })
  @ApiParam({ name: 'view', enum: TEAM_VIEW_KINDS })
  drill(
    @Param('view') view: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
  ): DrillDown {
    const kind = oneOf(TEAM_VIEW_KINDS)(view, 'view');
    const parsed = parseQuery(query, this.drillQuery);
    const { region, segment, tier, owner, manager } = parsed;
    const filters: ScopeFilters = Object.fromEntries(
      Object.entries({ region, segment, tier, owner, manager }).filter(([, value]) => value !== undefined),
    );
    this.refuseFilterNamingNobody(this.views.filterNamingNobody(filters));
    this.scope.assertView(callerOf(request), kind, filters);
    const target = drillTarget(parsed);
    try {
      return this.views.drillDown(kind, target, filters);
    } catch (error) {
      if (error instanceof UnknownDrillTarget) {
        throw invalidParameter(error.field, error.message);
      }
      throw error;
    }
  }

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
  @ApiQuery({
    name: 'asOf',
    required: false,
    description:
      'a past date (YYYY-MM-DD, its end) or ISO instant: the view over the facts as they stood then',
  })
  async kpis(
    @Param('view') view: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
  ): Promise<TeamView | RenewalsView> {
    const kind = oneOf(VIEWS)(view, 'view');
    if (kind !== 'renewals' && 'days' in query)
      throw invalidParameter('days', 'applies to the renewals view only');
    const { days, asOf, ...filters } = parseQuery(query, {
      ...this.scopeFilters,
      ...(kind === 'renewals' ? { days: integer(1, RENEWALS_MAX_DAYS) } : {}),
    }) as { days?: number; asOf?: AsOf } & ScopeFilters;
    // The same window as the live topic `renewals?days=N`, so both show the same rows.
    const window = renewalWindow(days ?? RENEWALS_DEFAULT_DAYS);
    this.scope.assertView(callerOf(request), kind, filters);
    if (asOf === undefined) {
      this.refuseFilterNamingNobody(this.views.filterNamingNobody(filters));
      return kind === 'renewals'
        ? this.views.renewalsView(window, filters)
        : this.views.teamView(kind, filters);
    }
    this.refuseBeforeHorizon(asOf);
    const snapshot = await this.asOfViews.snapshot(asOf);
    this.refuseFilterNamingNobody(filterNamingNobody(filters, snapshot.members));
    return kind === 'renewals'
      ? this.asOfViews.renewalsView(snapshot, window, filters)
      : this.asOfViews.teamView(snapshot, kind, filters);
  }

  /** Past versions older than the retention are pruned: a view before it would be incomplete. */
  private refuseBeforeHorizon(asOf: AsOf): void {
    const horizon = this.retention.horizon();
    if (asOf.instant < horizon) {
      throw invalidParameter(
        'asOf',
        `is before ${horizon.toISOString().slice(0, 10)}, the oldest history kept`,
      );
    }
  }

  private refuseFilterNamingNobody(nobody: { filter: string; id: string } | null): void {
    if (nobody) throw invalidParameter(nobody.filter, `no team member '${nobody.id}'`);
  }
}

/** What every KPI card and scorecard measure means, generated from the thresholds the server scores with. */
@ApiTags('kpis')
@Controller('api/help')
export class HelpController {
  constructor(private readonly views: ViewsService) {}

  @Get('kpis')
  @ApiOperation({
    summary: 'Definition, formula, target, colour bands and data source of every KPI card and measure',
  })
  kpis(@Query() query: Record<string, unknown>): KpiHelp {
    parseQuery(query, {});
    return this.views.kpiHelp();
  }
}
