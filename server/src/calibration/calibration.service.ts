import { Inject, Injectable } from '@nestjs/common';
import {
  type AccountFacts,
  type CalibrationReport,
  type CalibrationSample,
  calibrationOutcome,
  calibrationQuarters,
  calibrationReport,
  calibrationSample,
  type IsoDate,
  type PulseConfig,
  warningMonthEnds,
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
 * quarter over the facts as they stood then (the facts history), against what its ARR did next; a
 * churn's days of warning likewise over the facts of each month-end before it.
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
    const monthEnds = new Map<IsoDate, Map<string, AccountFacts>>();
    const samples: CalibrationSample[] = [];
    for (const quarter of calibrationQuarters(today, quarterCount, this.kpiConfig)) {
      const { facts: then } = await this.asOfFacts.loadAllFacts(endOf(quarter.start));
      const accounts = then.map((factsThen) => ({
        factsThen,
        factsNow: nowById.get(factsThen.account.id) ?? factsThen,
      }));
      // The days of warning read the month-ends before each churn over the facts as they stood then.
      const wanted = new Map<IsoDate, string[]>();
      for (const { factsNow } of accounts) {
        const { churnedOn } = calibrationOutcome(factsNow, quarter.start, today);
        if (churnedOn === null) continue;
        for (const date of warningMonthEnds(churnedOn)) {
          if (monthEnds.get(date)?.has(factsNow.account.id)) continue;
          wanted.set(date, [...(wanted.get(date) ?? []), factsNow.account.id]);
        }
      }
      for (const [date, ids] of wanted) {
        const { facts } = await this.asOfFacts.loadAccountFacts(ids, endOf(date));
        const loaded = monthEnds.get(date) ?? new Map<string, AccountFacts>();
        for (const f of facts) loaded.set(f.account.id, f);
        monthEnds.set(date, loaded);
      }
      for (const { factsThen, factsNow } of accounts) {
        const id = factsThen.account.id;
        const factsAt = (date: IsoDate) => monthEnds.get(date)?.get(id);
        const sample = calibrationSample(factsThen, factsNow, quarter, today, this.kpiConfig, factsAt);
        if (sample) samples.push(sample);
      }
    }
    return { asOf: today, ...calibrationReport(samples) };
  }
}

/** The last instant of a day: the facts as they stood when it ended. */
const endOf = (date: IsoDate) => new Date(`${date}T23:59:59.999Z`);
