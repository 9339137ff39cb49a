import { describe, expect, it } from 'vitest';
import { addDays, defaultConfig as config, useCaseAdoption } from '../src/index.js';
import { acceleratorsPart } from '../src/summary/accelerators.js';
import { engagementsPart } from '../src/summary/engagements.js';
import { meetingsPart } from '../src/summary/meetings.js';
import { rememberedScorecards } from '../src/summary/scorecards.js';
import { rememberedUsageColors, usagePart } from '../src/summary/usage.js';
import { AS_OF, account, engagement, entry, facts, usage } from './fixtures.js';

// Parts of summarizeAccount with a rule of their own; the rest copy facts or a measure's result.

describe('accelerators part', () => {
  const { overdueDays } = config.accelerators;
  const accelerator = (completedOn: string, status: 'completed' | 'cancelled' = 'completed') =>
    engagement({ kind: 'accelerator', status, completedOn });

  it('counts completed accelerators of the last 365 days, not cancelled, older or later ones', () => {
    const part = acceleratorsPart(
      facts({
        engagements: [
          accelerator('2026-05-01'),
          accelerator('2026-06-01', 'cancelled'),
          accelerator(addDays(AS_OF, -365)),
          accelerator('2026-07-01'),
          engagement({ kind: 'workshop', completedOn: '2026-06-10' }),
        ],
      }),
      AS_OF,
      config,
    );
    expect(part).toEqual({
      acceleratorEntitlementPerYear: config.accelerators.perYear.advanced,
      acceleratorsLast365Days: 1,
      daysSinceLastAccelerator: 45,
      acceleratorOverdue: false,
      acceleratorColor: 'red',
    });
  });

  it(`is overdue more than ${overdueDays} days after the last one`, () => {
    const onTime = acceleratorsPart(
      facts({ engagements: [accelerator(addDays(AS_OF, -overdueDays))] }),
      AS_OF,
      config,
    );
    const late = acceleratorsPart(
      facts({ engagements: [accelerator(addDays(AS_OF, -overdueDays - 1))] }),
      AS_OF,
      config,
    );
    expect([onTime.acceleratorOverdue, late.acceleratorOverdue]).toEqual([false, true]);
  });

  it('counts from contract start before the first accelerator', () => {
    const part = acceleratorsPart(
      facts({ account: account({ contractStart: addDays(AS_OF, -10) }) }),
      AS_OF,
      config,
    );
    expect([part.daysSinceLastAccelerator, part.acceleratorOverdue]).toEqual([10, false]);
  });

  it('is never overdue on a tier without accelerators', () => {
    const part = acceleratorsPart(facts({ account: account({ successTier: 'on_demand' }) }), AS_OF, config);
    expect(part).toMatchObject({
      acceleratorEntitlementPerYear: 0,
      daysSinceLastAccelerator: null,
      acceleratorOverdue: false,
    });
  });
});

describe('usage part', () => {
  const partOf = (f: ReturnType<typeof facts>) =>
    usagePart(f, AS_OF, config, rememberedUsageColors(f, config));
  const green = usage({ measuredOn: '2026-03-01' });
  const red = usage({ measuredOn: '2026-04-01', ciBuilds: 0, ciPipelines: 0 });
  const greenAgain = usage({ measuredOn: '2026-05-01' });
  const latest = usage({ measuredOn: '2026-06-01' });

  it('dates the primary use case green from the first green measurement not followed by red', () => {
    const colorOf = (s: typeof green) => useCaseAdoption('ci', s, 'ultimate', config).color;
    expect([green, red, greenAgain, latest].map(colorOf)).toEqual(['green', 'red', 'green', 'green']);
    const part = partOf(facts({ usageSnapshots: [latest, red, green, greenAgain] }));
    expect(part.primaryUseCaseGreenSince).toBe('2026-05-01');
    expect(part.primaryUseCaseColor).toBe('green');
  });

  it('shares seats in use, and has no use-case count without a fresh measurement', () => {
    const fresh = partOf(facts({ usageSnapshots: [usage({ billableUsers: 80 })] }));
    expect(fresh.licenseUtilization).toBe(0.8);
    expect(fresh.greenUseCases).not.toBeNull();

    const noSeats = partOf(facts({ account: account({ licensedSeats: 0 }) }));
    expect(noSeats.licenseUtilization).toBeNull();

    const stale = partOf(facts({ usageSnapshots: [usage({ measuredOn: '2025-01-01' })] }));
    expect(stale).toMatchObject({
      greenUseCases: null,
      licenseUtilization: null,
      primaryUseCaseColor: 'grey',
    });
  });
});

describe('meetings part', () => {
  it('never calls an EBR overdue where the tier has none, whatever limit the config sets', () => {
    const strict = {
      ...config,
      ebr: { ...config.ebr, overdueDays: { ...config.ebr.overdueDays, on_demand: 1 } },
    };
    const f = facts({ account: account({ successTier: 'on_demand' }), timeline: [] });
    const part = meetingsPart(f, rememberedScorecards(f, strict)(AS_OF), AS_OF, strict);
    expect(part).toMatchObject({ ebrApplicable: false, ebrOverdue: false, cadenceApplicable: false });
  });

  it('counts days since the last meeting up to the day summarised', () => {
    const f = facts({
      timeline: [
        entry({ kind: 'meeting', occurredAt: '2026-06-05T10:00:00.000Z' }),
        entry({ kind: 'meeting', occurredAt: '2026-06-20T10:00:00.000Z' }),
      ],
    });
    const part = meetingsPart(f, rememberedScorecards(f, config)(AS_OF), AS_OF, config);
    expect([part.lastEngagementDate, part.daysSinceLastMeeting]).toEqual(['2026-06-05', 10]);
  });
});

describe('engagements part', () => {
  it('keeps doc updates and program sessions up to the day summarised, doc updates in date order', () => {
    const session = (id: number, heldOn: string) => ({
      id,
      sessionId: id,
      accountId: 'acc-0001',
      attendees: 3,
      session: { id, kind: 'webinar' as const, title: 'CI basics', useCase: 'ci' as const, heldOn },
    });
    const doc = (id: number, updatedOn: string) => ({
      id,
      engagementId: 1,
      url: `https://docs/${id}`,
      updatedOn,
    });
    const part = engagementsPart(
      facts({
        engagements: [
          engagement({
            id: 1,
            docUpdates: [doc(1, '2026-06-10'), doc(2, '2026-06-20'), doc(3, '2026-05-02')],
          }),
        ],
        programAttendance: [session(1, '2026-06-01'), session(2, '2026-07-01')],
      }),
      AS_OF,
    );
    expect(part.engagements['1']?.docUpdateDates).toEqual(['2026-05-02', '2026-06-10']);
    expect(part.programAttendance.map((p) => p.heldOn)).toEqual(['2026-06-01']);
  });
});
