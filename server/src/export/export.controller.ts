import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  type LeaderboardEntry,
  RENEWAL_SORT_KEYS,
  type RenewalRow,
  type ScopeFilters,
  sortRenewalRows,
} from '@pulse/domain';
import type { AccountListItem } from '@pulse/protocol';
import { RENEWALS_DEFAULT_DAYS, RENEWALS_MAX_DAYS, renewalWindow, TEAM_VIEW_KINDS } from '@pulse/protocol';
import type { Request, Response } from 'express';
import { callerOf } from '../access/access.guard.js';
import { ScopeService } from '../access/scope.service.js';
import { LIST_QUERY } from '../api/accounts.controller.js';
import { invalidParameter } from '../api/api-errors.js';
import { scopeFilters } from '../api/kpis.controller.js';
import { identifier, integer, oneOf, parseQuery } from '../api/query-parser.js';
import { Clock, todayOf } from '../clock/clock.js';
import { AccountSearchRepository } from '../search/account-search.repository.js';
import { listAccounts } from '../views/account-list.js';
import { ViewsService } from '../views/views.service.js';
import { type CsvColumn, dollars, sendCsv } from './csv-response.js';

const { limit: _limit, cursor: _cursor, ...ACCOUNT_FILTERS } = LIST_QUERY;

/** The accounts behind any number on screen (a card, a chart bar, a leaderboard cell): up to every one. */
const MAX_POSTED_IDS = 100_000;
const accountId = identifier();

/**
 * Lists as CSV downloads with the columns and filters of the screens they come from: an account
 * list (a KPI card's accounts are `ids=`), the renewals table and a team view's leaderboard.
 */
@ApiTags('export')
@Controller('api/export')
export class ExportController {
  constructor(
    private readonly views: ViewsService,
    private readonly search: AccountSearchRepository,
    private readonly scope: ScopeService,
    private readonly clock: Clock,
  ) {}

  private readonly scopeFilters = scopeFilters(() => this.clock.now());

  /** A download shows no more than its screen: only the caller's accounts. */
  private visibleSummaries(request: Request) {
    return this.scope.visible(callerOf(request), this.views.summariesInScope({}));
  }

  @Get('accounts.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Accounts as CSV, with the filters of GET /api/accounts (no paging)' })
  async accounts(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const { q, ...filters } = parseQuery(query, ACCOUNT_FILTERS);
    if (filters.role && !filters.owner) throw invalidParameter('role', 'needs an owner to apply to');
    const matches = q === undefined ? undefined : await this.search.matchingIds(q);
    const { items } = listAccounts(
      this.visibleSummaries(request),
      { ...filters, matches, limit: Number.MAX_SAFE_INTEGER },
      todayOf(this.clock),
    );
    await sendCsv(response, 'accounts.csv', this.accountColumns(), items);
  }

  @Post('accounts.csv')
  @HttpCode(200)
  @ApiProduces('text/csv')
  @ApiOperation({
    summary:
      'The accounts of a drill-down as CSV: body {"ids": [...]} (more than a URL holds), sorted by ARR',
  })
  async accountsByIds(
    @Body() body: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const ids = (body as { ids?: unknown } | null)?.ids;
    if (!Array.isArray(ids) || ids.length > MAX_POSTED_IDS) {
      throw invalidParameter(
        'ids',
        `must be a list of at most ${MAX_POSTED_IDS.toLocaleString('en')} account ids`,
      );
    }
    const valid = ids.map((id, index) => accountId(typeof id === 'string' ? id : '', `ids.${index}`));
    const { items } = listAccounts(
      this.visibleSummaries(request),
      { ids: valid, sort: '-arr', limit: Number.MAX_SAFE_INTEGER },
      todayOf(this.clock),
    );
    await sendCsv(response, 'accounts.csv', this.accountColumns(), items);
  }

  @Get('renewals.csv')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary:
      'The renewals table as CSV: the filters of GET /api/kpis/renewals, and the screen’s ae, rm and sort',
  })
  async renewals(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const { days, ae, rm, sort, ...filters } = parseQuery(query, {
      ...this.scopeFilters,
      days: integer(1, RENEWALS_MAX_DAYS),
      ae: identifier(),
      rm: identifier(),
      sort: oneOf(RENEWAL_SORT_KEYS),
    });
    this.refuseFilterNamingNobody(filters);
    this.scope.assertView(callerOf(request), 'renewals', filters);
    const view = this.views.renewalsView(renewalWindow(days ?? RENEWALS_DEFAULT_DAYS), filters);
    const rows = view.order
      .map((id) => view.rows[id])
      .filter((row): row is RenewalRow => row !== undefined)
      .filter((row) => (!ae || row.owners.ae === ae) && (!rm || row.owners.rm === rm));
    await sendCsv(response, 'renewals.csv', this.renewalColumns(), sortRenewalRows(rows, sort ?? 'risk'));
  }

  @Get('leaderboard/:view')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'A team view’s leaderboard as CSV: one row per owner, one column per card' })
  async leaderboard(
    @Param('view') rawView: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const kind = oneOf(TEAM_VIEW_KINDS)(rawView.replace(/\.csv$/, ''), 'view');
    const filters = parseQuery(query, this.scopeFilters);
    this.refuseFilterNamingNobody(filters);
    this.scope.assertView(callerOf(request), kind, filters);
    const view = this.views.teamView(kind, filters);
    const cards = Object.entries(view.cards).map(([key, card]) => ({ key, label: card.label }));
    const columns: CsvColumn<LeaderboardEntry>[] = [
      { header: 'Owner', value: (entry) => entry.member.name },
      { header: 'Accounts', value: (entry) => entry.accountCount },
      ...cards.map(({ key, label }) => ({
        header: label,
        value: (entry: LeaderboardEntry) => entry.cards[key]?.value ?? null,
      })),
    ];
    const entries = Object.values(view.leaderboard).sort((a, b) =>
      a.member.name.localeCompare(b.member.name),
    );
    await sendCsv(response, `leaderboard-${kind}.csv`, columns, entries);
  }

  private ownerName(): (id: string | null) => string | null {
    const names = new Map(this.views.teamMembers().map((member) => [member.id, member.name]));
    return (id) => (id === null ? null : (names.get(id) ?? id));
  }

  private accountColumns(): CsvColumn<AccountListItem>[] {
    const name = this.ownerName();
    return [
      { header: 'Account ID', value: (a) => a.id },
      { header: 'Account', value: (a) => a.name },
      { header: 'Region', value: (a) => a.region },
      { header: 'Segment', value: (a) => a.segment },
      { header: 'Success tier', value: (a) => a.tier },
      { header: 'Health score', value: (a) => a.healthScore },
      { header: 'Health', value: (a) => a.healthColor },
      { header: 'ARR', value: (a) => dollars(a.arrCents) },
      { header: 'Next renewal', value: (a) => a.renewalDate },
      { header: 'Primary use case', value: (a) => a.primaryUseCase },
      { header: 'CSM', value: (a) => name(a.owners.csm) },
      { header: 'CSE', value: (a) => name(a.owners.cse) },
      { header: 'CSA', value: (a) => name(a.owners.csa) },
      { header: 'AE', value: (a) => name(a.owners.ae) },
      { header: 'RM', value: (a) => name(a.owners.rm) },
    ];
  }

  private renewalColumns(): CsvColumn<RenewalRow>[] {
    const name = this.ownerName();
    return [
      { header: 'Account ID', value: (r) => r.accountId },
      { header: 'Account', value: (r) => r.accountName },
      { header: 'Renewal', value: (r) => r.renewalDate },
      { header: 'Days to renewal', value: (r) => r.daysToRenewal },
      { header: 'Health score', value: (r) => r.healthScore },
      { header: 'Health', value: (r) => r.healthColor },
      { header: 'Forecast colour', value: (r) => r.forecastColor },
      { header: 'ATR', value: (r) => dollars(r.atrCents) },
      { header: 'Forecast ARR', value: (r) => dollars(r.forecastCents) },
      { header: 'Net ARR at stake', value: (r) => dollars(r.netArrAtStakeCents) },
      { header: 'ARR at risk', value: (r) => dollars(r.arrAtRiskCents) },
      { header: 'Risk', value: (r) => r.riskCategory },
      { header: 'Risk reason', value: (r) => r.riskReason },
      { header: 'Primary use case', value: (r) => r.primaryUseCase },
      { header: 'Plan', value: (r) => r.planStatus },
      { header: 'Last engagement', value: (r) => r.lastEngagementDate },
      { header: 'AE', value: (r) => name(r.owners.ae) },
      { header: 'RM', value: (r) => name(r.owners.rm) },
    ];
  }

  private refuseFilterNamingNobody(filters: ScopeFilters): void {
    const nobody = this.views.filterNamingNobody(filters);
    if (nobody) throw invalidParameter(nobody.filter, `no team member '${nobody.id}'`);
  }
}
