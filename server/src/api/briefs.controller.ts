import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
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
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Freeze the account’s brief now, e.g. at the forecast call: {label, takenBy?}' })
  @ApiParam({ name: 'id', description: 'account id' })
  async freeze(@Param('id') rawId: string, @Body() body: unknown): Promise<BriefCheckpoint> {
    const id = accountId(rawId, 'id');
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
    if (!(await this.facts.accountExists(id))) throw notFound('account', id);
    return this.briefs.freeze(id, label.trim(), (takenBy as string | undefined) ?? null);
  }

  @Get()
  @ApiOperation({ summary: 'The account’s brief checkpoints, newest first' })
  async list(
    @Param('id') rawId: string,
    @Query() query: Record<string, unknown>,
  ): Promise<BriefCheckpoint[]> {
    const id = accountId(rawId, 'id');
    parseQuery(query, {});
    if (!(await this.facts.accountExists(id))) throw notFound('account', id);
    return this.briefs.list(id);
  }

  @Get(':checkpointId')
  @ApiOperation({ summary: 'The brief as frozen at the checkpoint beside today’s, and what changed since' })
  async compare(
    @Param('id') rawId: string,
    @Param('checkpointId') rawCheckpoint: string,
    @Query() query: Record<string, unknown>,
  ): Promise<BriefComparison> {
    const id = accountId(rawId, 'id');
    const checkpoint = checkpointId(rawCheckpoint, 'checkpointId');
    parseQuery(query, {});
    const comparison = await this.briefs.compare(id, checkpoint);
    if (!comparison) throw notFound('checkpoint', `${id}/${checkpoint}`);
    return comparison;
  }
}
