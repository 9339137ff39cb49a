import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PulseConfig } from '@pulse/domain';
import { invalidParameter } from '../api/api-errors.js';
import { identifier, parseQuery } from '../api/query-parser.js';
import { KPI_CONFIG } from '../scoring/scoring.service.js';
import { alertRuleBody, muteBody, parseBody } from './alert-rule.schema.js';
import { AlertsService } from './alerts.service.js';

const ruleId = (raw: string): number => {
  if (!/^\d{1,15}$/.test(raw)) throw invalidParameter('id', 'must be a rule id (a whole number)');
  return Number(raw);
};

/**
 * The person whose alerts the bell shows: told by the `member` query parameter until sign-in
 * (issue 10) lands; then this is the one place that takes the session's user instead.
 */
function bellPerson(query: Record<string, unknown>): string {
  const { member } = parseQuery(query, { member: identifier() });
  if (member === undefined)
    throw invalidParameter('member', 'is required (the team member whose alerts to show)');
  return member;
}

@ApiTags('alerts')
@Controller('api/alert-rules')
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
  constructor(private readonly alerts: AlertsService) {}

  @Get('alerts')
  @ApiOperation({
    summary: "A person's recent alerts (the bell), newest first, each linked to its score move",
  })
  bell(@Query() query: Record<string, unknown>) {
    return this.alerts.bell(bellPerson(query));
  }

  @Get('accounts/:id/mute')
  @ApiOperation({ summary: 'Whether alerts of an account are muted, and until when' })
  muteOf(@Param('id') id: string) {
    return this.alerts.muteOf(id);
  }

  @Put('accounts/:id/mute')
  @ApiOperation({ summary: 'Mute alerts of an account for some hours' })
  mute(@Param('id') id: string, @Body() body: unknown) {
    const { hours, member } = parseBody(muteBody, body);
    return this.alerts.mute(id, hours, member);
  }

  @Delete('accounts/:id/mute')
  @ApiOperation({ summary: 'Unmute an account' })
  unmute(@Param('id') id: string) {
    return this.alerts.unmute(id);
  }
}
