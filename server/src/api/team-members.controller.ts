import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TeamMembersResponse } from '@pulse/protocol';
import { Access } from '../access/access.decorators.js';
import { ViewsService } from '../views/views.service.js';
import { parseQuery } from './query-parser.js';

@ApiTags('team')
@Controller('api/team-members')
// Names and roles only (no numbers): filter bars and walls need them whatever the caller's scope.
@Access({ display: true })
export class TeamMembersController {
  constructor(private readonly views: ViewsService) {}

  @Get()
  @ApiOperation({ summary: 'Everyone in the organisation, with role, region and manager' })
  list(@Query() query: Record<string, unknown>): TeamMembersResponse {
    parseQuery(query, {});
    return { members: this.views.teamMembers() };
  }
}
