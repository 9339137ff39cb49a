import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { callerOf } from '../access/access.guard.js';
import { ScopeService } from '../access/scope.service.js';
import type { BriefCheckpoint } from '../briefs/brief-checkpoints.repository.js';
import { type BriefComparison, BriefsService } from '../briefs/briefs.service.js';
import { FactsRepository } from '../facts/facts.repository.js';
import { ViewsService } from '../views/views.service.js';
import { invalidParameter, notFound } from './api-errors.js';
import { identifier, integer, parseQuery } from './query-parser.js';

const accountId = identifier();
const checkpointId = integer(1, Number.MAX_SAFE_INTEGER);
const LABEL_MAX = 120;

/** Renewal brief checkpoints of an account (issue 14 point 3). */
@ApiTags('accounts')
@Controller('api/accounts/:id/checkpoints')
export class BriefsController {
  constructor(
    private readonly briefs: BriefsService,
    private readonly facts: FactsRepository,
    private readonly views: ViewsService,
    private readonly scope: ScopeService,
  ) {}

  /** An account outside the caller's scope is answered as if it did not exist. */
  private async visibleAccount(rawId: string, request: Request): Promise<string> {
    const id = accountId(rawId, 'id');
    if (!this.scope.maySeeAccountId(callerOf(request), id) || !(await this.facts.accountExists(id)))
      throw notFound('account', id);
    return id;
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Freeze the account’s brief now, e.g. at the forecast call: {label}; taken by the signed-in person',
  })
  @ApiParam({ name: 'id', description: 'account id' })
  async freeze(
    @Param('id') rawId: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<BriefCheckpoint> {
    const id = await this.visibleAccount(rawId, request);
    const { label, takenBy } = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    if (typeof label !== 'string' || label.trim() === '')
      throw invalidParameter('label', 'must be a non-empty text');
    if (label.trim().length > LABEL_MAX)
      throw invalidParameter('label', `is longer than ${LABEL_MAX} characters`);
    if (takenBy !== undefined && takenBy !== null) {
      if (typeof takenBy !== 'string' || !this.views.teamMembers().some((m) => m.id === takenBy)) {
        throw invalidParameter('takenBy', 'is not a team member id');
      }
    }
    // A person signed in is who took it; automation (tokens) may name someone.
    const taker = callerOf(request).memberId ?? (takenBy as string | undefined) ?? null;
    return this.briefs.freeze(id, label.trim(), taker);
  }

  @Get()
  @ApiOperation({ summary: 'The account’s brief checkpoints, newest first' })
  async list(
    @Param('id') rawId: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
  ): Promise<BriefCheckpoint[]> {
    parseQuery(query, {});
    const id = await this.visibleAccount(rawId, request);
    return this.briefs.list(id);
  }

  @Get(':checkpointId')
  @ApiOperation({ summary: 'The brief as frozen at the checkpoint beside today’s, and what changed since' })
  async compare(
    @Param('id') rawId: string,
    @Param('checkpointId') rawCheckpoint: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
  ): Promise<BriefComparison> {
    const id = await this.visibleAccount(rawId, request);
    const checkpoint = checkpointId(rawCheckpoint, 'checkpointId');
    parseQuery(query, {});
    const comparison = await this.briefs.compare(id, checkpoint);
    if (!comparison) throw notFound('checkpoint', `${id}/${checkpoint}`);
    return comparison;
  }
}
