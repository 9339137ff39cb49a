import { Controller, Get, Param, Query } from '@nestjs/common';
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
import { ViewsService } from '../views/views.service.js';
import { invalidParameter } from './api-errors.js';
import { identifier, integer, oneOf, parseQuery } from './query-parser.js';

const SCOPE_FILTERS = {
  region: oneOf(REGIONS),
  segment: oneOf(SEGMENTS),
  tier: oneOf(SUCCESS_TIERS),
  owner: identifier(),
  manager: identifier(),
};
const VIEWS = [...TEAM_VIEW_KINDS, 'renewals'] as const;
/** What a drill-down may name: one card (of the team or of a leaderboard member) or one part of a chart. */
const DRILL_QUERY = {
  ...SCOPE_FILTERS,
  card: identifier(),
  member: identifier(),
  useCase: oneOf(USE_CASES),
  color: oneOf(COLORS),
  quarter: identifier(),
  bucket: oneOf(WATERFALL_BUCKETS),
  status: oneOf(PLAN_STATUSES_SHOWN),
  stage: oneOf(OUTCOME_STAGES),
};

function drillTarget(query: ReturnType<typeof parseDrillQuery>): DrillTarget {
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

function parseDrillQuery(query: Record<string, unknown>) {
  return parseQuery(query, DRILL_QUERY);
}

@ApiTags('kpis')
@Controller('api/kpis')
export class KpisController {
  constructor(private readonly views: ViewsService) {}

  @Get(':view/drill')
  @ApiOperation({
    summary:
      'The accounts behind a card (those missing its target first, with the column that decides it) or behind a part of a chart',
  })
  @ApiParam({ name: 'view', enum: TEAM_VIEW_KINDS })
  drill(@Param('view') view: string, @Query() query: Record<string, unknown>): DrillDown {
    const kind = oneOf(TEAM_VIEW_KINDS)(view, 'view');
    const parsed = parseDrillQuery(query);
    const { region, segment, tier, owner, manager } = parsed;
    const filters: ScopeFilters = Object.fromEntries(
      Object.entries({ region, segment, tier, owner, manager }).filter(([, value]) => value !== undefined),
    );
    this.refuseFilterNamingNobody(filters);
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
  kpis(@Param('view') view: string, @Query() query: Record<string, unknown>): TeamView | RenewalsView {
    const kind = oneOf(VIEWS)(view, 'view');
    if (kind === 'renewals') {
      const { days, ...filters } = parseQuery(query, {
        ...SCOPE_FILTERS,
        days: integer(1, RENEWALS_MAX_DAYS),
      });
      this.refuseFilterNamingNobody(filters);
      // The same window as the live topic `renewals?days=N`, so both show the same rows.
      return this.views.renewalsView(renewalWindow(days ?? RENEWALS_DEFAULT_DAYS), filters);
    }
    if ('days' in query) throw invalidParameter('days', 'applies to the renewals view only');
    const filters = parseQuery(query, SCOPE_FILTERS);
    this.refuseFilterNamingNobody(filters);
    return this.views.teamView(kind, filters);
  }

  private refuseFilterNamingNobody(filters: ScopeFilters): void {
    const nobody = this.views.filterNamingNobody(filters);
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
