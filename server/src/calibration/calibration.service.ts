import { Inject, Injectable } from '@nestjs/common';
import {
  type CalibrationReport,
  type CalibrationSample,
  calibrationQuarters,
  calibrationReport,
  calibrationSample,
  type PulseConfig,
} from '@pulse/domain';
import { Clock, todayOf } from '../clock/clock.js';
import { AsOfFactsRepository } from '../facts/as-of-facts.repository.js';
import { FactsRepository } from '../facts/facts.repository.js';
import { KPI_CONFIG } from '../scoring/scoring.service.js';

export interface CalibrationResponse extends CalibrationReport {
  /** The day the outcomes were read (today). */
  asOf: string;
}

/**
 * The calibration page's data (issue 14 point 4): every account scored at the start of each past
 * quarter over the facts as they stood then (the facts history), against what its ARR did next.
 * One report per day and quarter count is kept: the past does not change during a day, and
 * scoring every account at a dozen dates is seconds of work.
 */
@Injectable()
export class CalibrationService {
  private cached: { key: string; report: Promise<CalibrationResponse> } | null = null;

  constructor(
    private readonly facts: FactsRepository,
    private readonly asOfFacts: AsOfFactsRepository,
    @Inject(KPI_CONFIG) private readonly kpiConfig: PulseConfig,
    private readonly clock: Clock,
  ) {}

  report(quarters: number, today: string = todayOf(this.clock)): Promise<CalibrationResponse> {
    const key = `${today}|${quarters}`;
    if (this.cached?.key !== key) {
      const report = this.compute(quarters, today);
      this.cached = { key, report };
      // A failure is not kept: the next request tries again.
      report.catch(() => {
        if (this.cached?.report === report) this.cached = null;
      });
    }
    return this.cached.report;
  }

  private async compute(quarterCount: number, today: string): Promise<CalibrationResponse> {
    const { facts: now } = await this.facts.loadAccountFacts(await this.facts.listAccountIds());
    const nowById = new Map(now.map((f) => [f.account.id, f]));
    const samples: CalibrationSample[] = [];
    for (const quarter of calibrationQuarters(today, quarterCount, this.kpiConfig)) {
      const { facts: then } = await this.asOfFacts.loadAllFacts(new Date(`${quarter.start}T23:59:59.999Z`));
      for (const factsThen of then) {
        const factsNow = nowById.get(factsThen.account.id) ?? factsThen;
        const sample = calibrationSample(factsThen, factsNow, quarter, today, this.kpiConfig);
        if (sample) samples.push(sample);
      }
    }
    return { asOf: today, ...calibrationReport(samples) };
  }
}
