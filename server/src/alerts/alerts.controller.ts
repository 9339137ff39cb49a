import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PulseConfig } from '@pulse/domain';
import type { Request } from 'express';
import { Access } from '../access/access.decorators.js';
import { callerOf } from '../access/access.guard.js';
import type { Caller } from '../access/caller.js';
import { ScopeService } from '../access/scope.service.js';
import { forbidden, invalidParameter, notFound } from '../api/api-errors.js';
import { identifier, parseQuery } from '../api/query-parser.js';
import { KPI_CONFIG } from '../scoring/scoring.service.js';
import { alertRuleBody, muteBody, parseBody } from './alert-rule.schema.js';
import { AlertsService } from './alerts.service.js';

const ruleId = (raw: string): number => {
  if (!/^\d{1,15}$/.test(raw)) throw invalidParameter('id', 'must be a rule id (a whole number)');
  return Number(raw);
};

/**
 * The person whose alerts the bell shows: the person signed in. An admin, or a token, names
 * anyone with `member`; nobody else may read another person's bell.
 */
function bellPerson(query: Record<string, unknown>, caller: Caller): string {
  const { member } = parseQuery(query, { member: identifier() });
  const mayPick = caller.role === 'admin' || caller.kind !== 'person';
  if (member !== undefined && member !== caller.memberId && !mayPick)
    throw forbidden("only an admin may read another person's alerts", 'member');
  const person = member ?? caller.memberId;
  if (person === null) throw invalidParameter('member', 'is required (the team member whose alerts to show)');
  return person;
}

@ApiTags('alerts')
@Controller('api/alert-rules')
// Rules reach every owner's inbox: admins and managers set them.
@Access({ roles: ['admin', 'manager'] })
export class AlertRulesController {
  constructor(
    private readonly alerts: AlertsService,
    @Inject(KPI_CONFIG) private readonly config: PulseConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Alert rules, the triggers they can use, and receivers that keep failing' })
  list(@Query() query: Record<string, unknown>) {
    parseQuery(query, {});
    return this.alerts.rules(this.config);
  }

  @Post()
  @ApiOperation({ summary: 'Create an alert rule (trigger, threshold, scope, quiet period, receivers)' })
  create(@Body() body: unknown) {
    return this.alerts.createRule(parseBody(alertRuleBody, body), null);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace an alert rule (an empty webhook secret keeps the current one)' })
  update(@Param('id') id: string, @Body() body: unknown) {
    return this.alerts.updateRule(ruleId(id), parseBody(alertRuleBody, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an alert rule and its alerts' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.alerts.deleteRule(ruleId(id));
  }
}

@ApiTags('alerts')
@Controller('api')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly scope: ScopeService,
  ) {}

  /** An account outside the caller's scope is answered as if it did not exist. */
  private visible(id: string, request: Request): string {
    if (!this.scope.maySeeAccountId(callerOf(request), id)) throw notFound('account', id);
    return id;
  }

  @Get('alerts')
  @ApiOperation({
    summary: "A person's recent alerts (the bell), newest first, each linked to its score move",
  })
  bell(@Query() query: Record<string, unknown>, @Req() request: Request) {
    return this.alerts.bell(bellPerson(query, callerOf(request)));
  }

  @Get('accounts/:id/mute')
  @ApiOperation({ summary: 'Whether alerts of an account are muted, and until when' })
  muteOf(@Param('id') id: string, @Req() request: Request) {
    return this.alerts.muteOf(this.visible(id, request));
  }

  @Put('accounts/:id/mute')
  @ApiOperation({ summary: 'Mute alerts of an account for some hours' })
  mute(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    const { hours, member } = parseBody(muteBody, body);
    // Who muted it: the person signed in; automation may name someone.
    return this.alerts.mute(this.visible(id, request), hours, callerOf(request).memberId ?? member);
  }

  @Delete('accounts/:id/mute')
  @ApiOperation({ summary: 'Unmute an account' })
  unmute(@Param('id') id: string, @Req() request: Request) {
    return this.alerts.unmute(this.visible(id, request));
  }
}
