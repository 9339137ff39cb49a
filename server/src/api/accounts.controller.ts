import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { COLORS, OWNER_ROLES, REGIONS, SEGMENTS, SUCCESS_TIERS } from '@pulse/domain';
import type { AccountDetail, AccountListPage } from '@pulse/protocol';
import type { Request } from 'express';
import { callerOf } from '../access/access.guard.js';
import { ScopeService } from '../access/scope.service.js';
import { Clock, todayOf } from '../clock/clock.js';
import { HistoryRetentionService } from '../history/history-retention.service.js';
import { AccountSearchRepository } from '../search/account-search.repository.js';
import { ACCOUNT_SORTS, decodeCursor, listAccounts } from '../views/account-list.js';
import { AsOfViewsService } from '../views/as-of-views.service.js';
import { ViewsService } from '../views/views.service.js';
import { invalidParameter, notFound } from './api-errors.js';
import {
  asOfMoment,
  type FieldParser,
  identifier,
  identifierList,
  integer,
  oneOf,
  parseQuery,
} from './query-parser.js';

const cursor: FieldParser<string> = (raw, field) => {
  if (!decodeCursor(raw)) throw invalidParameter(field, 'is not a cursor returned by this API');
  return raw;
};

/** Account ids as the API hands them out; anything else is refused before it reaches the database. */
const accountId = identifier();

/** Search text: what a person types, trimmed; at most a name's length. */
const searchText: FieldParser<string> = (raw, field) => {
  const text = raw.trim();
  if (text.length === 0 || text.length > 200) throw invalidParameter(field, 'must be 1 to 200 characters');
  return text;
};

export const LIST_QUERY = {
  q: searchText,
  ids: identifierList(500),
  region: oneOf(REGIONS),
  segment: oneOf(SEGMENTS),
  tier: oneOf(SUCCESS_TIERS),
  owner: identifier(),
  role: oneOf(OWNER_ROLES),
  color: oneOf(COLORS),
  renewalWithinDays: integer(0, 3650),
  sort: oneOf(ACCOUNT_SORTS),
  limit: integer(1, 500),
  cursor,
};

@ApiTags('accounts')
@Controller('api/accounts')
export class AccountsController {
  constructor(
    private readonly views: ViewsService,
    private readonly search: AccountSearchRepository,
    private readonly asOfViews: AsOfViewsService,
    private readonly retention: HistoryRetentionService,
    private readonly scope: ScopeService,
    private readonly clock: Clock,
  ) {}

  private readonly asOfField = asOfMoment(() => this.clock.now());

  @Get()
  @ApiOperation({ summary: 'Accounts with health, ARR and next renewal; filtered, sorted, paged by cursor' })
  @ApiQuery({
    name: 'q',
    required: false,
    description: 'name contains this text (case and accents ignored); best matches first unless sorted',
  })
  @ApiQuery({ name: 'ids', required: false, description: 'comma-separated account ids (at most 500)' })
  @ApiQuery({ name: 'region', required: false, enum: REGIONS })
  @ApiQuery({ name: 'segment', required: false, enum: SEGMENTS })
  @ApiQuery({ name: 'tier', required: false, enum: SUCCESS_TIERS })
  @ApiQuery({ name: 'owner', required: false, description: 'team member id' })
  @ApiQuery({ name: 'role', required: false, enum: OWNER_ROLES, description: 'with owner: only this role' })
  @ApiQuery({ name: 'color', required: false, enum: COLORS })
  @ApiQuery({ name: 'renewalWithinDays', required: false, type: Number })
  @ApiQuery({ name: 'sort', required: false, enum: ACCOUNT_SORTS })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1–500, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  async list(@Query() query: Record<string, unknown>, @Req() request: Request): Promise<AccountListPage> {
    const { q, ...parsed } = parseQuery(query, LIST_QUERY);
    if (parsed.role && !parsed.owner) throw invalidParameter('role', 'needs an owner to apply to');
    const matches = q === undefined ? undefined : await this.search.matchingIds(q);
    // Only the caller's accounts, whatever the filters: a list never shows what is outside the scope.
    const visible = this.scope.visible(callerOf(request), this.views.summariesInScope({}));
    return listAccounts(visible, { ...parsed, matches }, todayOf(this.clock));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Scorecard with every measure and why, plan, ARR history, renewals, score history',
  })
  @ApiParam({ name: 'id', description: 'account id: letters, digits, - _ . : (up to 64)' })
  @ApiQuery({
    name: 'asOf',
    required: false,
    description:
      'a past date (YYYY-MM-DD, its end) or ISO instant: the page over the facts as they stood then',
  })
  async detail(
    @Param('id') rawId: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
  ): Promise<AccountDetail> {
    const id = accountId(rawId, 'id');
    const { asOf } = parseQuery(query, { asOf: this.asOfField });
    // Outside the scope is answered as if it did not exist: its existence is not told either.
    if (!this.scope.maySeeAccountId(callerOf(request), id)) throw notFound('account', id);
    if (asOf !== undefined) {
      const horizon = this.retention.horizon();
      if (asOf.instant < horizon) {
        throw invalidParameter(
          'asOf',
          `is before ${horizon.toISOString().slice(0, 10)}, the oldest history kept`,
        );
      }
    }
    const detail = asOf ? await this.asOfViews.accountDetail(id, asOf) : await this.views.accountDetail(id);
    if (!detail) throw notFound('account', id);
    return detail;
  }
}
