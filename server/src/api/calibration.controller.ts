import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Access } from '../access/access.decorators.js';
import { type CalibrationResponse, CalibrationService } from '../calibration/calibration.service.js';
import { integer, parseQuery } from './query-parser.js';

const DEFAULT_QUARTERS = 8;

@ApiTags('calibration')
@Controller('api/calibration')
// Organisation-wide outcomes: for CS leaders (admins and managers), not a person's own book.
@Access({ roles: ['admin', 'manager'] })
export class CalibrationController {
  constructor(private readonly calibration: CalibrationService) {}

  @Get()
  @ApiOperation({
    summary: 'Colours at the start of past quarters against the outcome in the following 12 months',
  })
  @ApiQuery({
    name: 'quarters',
    required: false,
    description: `past fiscal quarters (1–12, default ${DEFAULT_QUARTERS})`,
  })
  report(@Query() query: Record<string, unknown>): Promise<CalibrationResponse> {
    const { quarters } = parseQuery(query, { quarters: integer(1, 12) });
    return this.calibration.report(quarters ?? DEFAULT_QUARTERS);
  }
}
