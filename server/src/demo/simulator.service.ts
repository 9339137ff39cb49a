import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import {
  type Account,
  addDays,
  PERSONAS,
  type RiskCategory,
  type SentimentColor,
  sentimentOwners,
  type TicketSeverity,
  type TimelineKind,
  toDate,
} from '@pulse/domain';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Random } from './prng.js';
import {
  type ArrMovementDraft,
  type RenewalForecast,
  type SimulatedAccount,
  SimulatorRepository,
  type UsageCounts,
} from './simulator.repository.js';

/** What one simulated write did: the table it wrote and the account it concerns. */
export interface SimulatedWrite {
  readonly table: string;
  readonly accountId: string;
}

type WriteKind = 'usage' | 'sentiment' | 'ticket' | 'milestone' | 'deliverable' | 'renewal' | 'arr';

/** How often each kind of fact is written; usage and sentiment move health the most visibly. */
const WRITE_WEIGHTS: Readonly<Record<WriteKind, number>> = {
  usage: 25,
  sentiment: 22,
  ticket: 8,
  milestone: 12,
  deliverable: 8,
  renewal: 10,
  arr: 7,
};

/**
 * How often a real team records these facts, per account and day. The simulator writes several
 * facts a second, far faster than any team: written at that pace, meetings, EBRs, tickets and ARR
 * movements pile up (EBRs delivered 2 → 49 and 'turned red this week' 7 → 20 in twenty minutes).
 * So each of these kinds has a budget that refills at its real rate for the whole organisation
 * (a CSM meets an account two or three times a month, holds an EBR once or twice a year, ...);
 * a write whose kind has no budget left moves product usage instead, which drifts back toward each
 * account's own level. Milestones, deliverables and renewal forecasts change state in place and
 * need no budget.
 */
const REAL_RATES_PER_ACCOUNT_DAY: Readonly<Partial<Record<WriteKind, number>>> = {
  sentiment: 0.1,
  ticket: 0.08,
  arr: 0.01,
};
/** A budget starts with an hour of its rate (at least one write), so a fresh demo shows each kind. */
const STARTING_BUDGET_SECONDS = 3_600;
/** Chance that a sentiment logged for an account differs from the last one logged for it. */
const SENTIMENT_CHANGE_CHANCE = 0.2;
/** Share of the gap to its own level that an account's usage closes on each write. */
const USAGE_PULL_TO_LEVEL = 0.1;

/** Seed offsets so the simulator's streams differ from the demo seed's streams. */
const CHOICE_STREAM = 0x51a1;
const TIMING_STREAM = 0x51a2;
/** The account list is re-read this often (new accounts, churn by other writers). */
const ACCOUNT_REFRESH_MS = 60_000;
/** When writes fall this far behind the schedule, the schedule restarts instead of bursting. */
const MAX_LAG_MS = 1_000;

const SENTIMENT_KINDS: Readonly<Record<TimelineKind, number>> = {
  call: 35,
  meeting: 25,
  email: 20,
  note: 10,
  workshop: 6,
  ebr: 4,
};
const SENTIMENTS: Readonly<Record<SentimentColor, number>> = { green: 55, yellow: 35, red: 10 };
const SUMMARIES: Readonly<Record<SentimentColor, readonly string[]>> = {
  green: [
    'Cadence call: pipelines migrated ahead of plan',
    'Champion happy with CI speed-ups after the runner upgrade',
    'Security lead rolled out dependency scanning to two more groups',
    'Reviewed adoption dashboard; team wants to pilot CD next quarter',
  ],
  yellow: [
    'Slow progress on the migration; waiting on their platform team',
    'New director joined, re-explaining the success plan',
    'Runner costs questioned by finance; follow-up booked',
    'Licence usage flat; agreed an enablement session',
  ],
  red: [
    'Champion left the company; no replacement named yet',
    'Executive raised renewal concerns after the outage',
    'Evaluating a competitor for CI; escalation opened',
  ],
};
const SEVERITIES: Readonly<Record<TicketSeverity, number>> = {
  emergency: 2,
  high: 18,
  normal: 55,
  low: 25,
};
const TICKET_SUBJECTS = [
  'Runner jobs stuck in pending',
  'SAML sign-in fails for new users',
  'Merge request diffs slow to load',
  'Container registry cleanup policy not running',
  'Upgrade path question for the next major version',
  'Security scan reports missing from the pipeline',
  'API rate limits hit by the integration',
];
const MILESTONE_TITLES = [
  'Enable merge request approvals',
  'Migrate remaining projects',
  'Roll out shared runners',
  'Turn on SAST for top projects',
  'Train team leads',
  'Set up deployment environments',
];
const DELIVERABLE_TITLES = [
  'Architecture review notes',
  'Pipeline template',
  'Runbook for runner fleet',
  'Security scanning rollout plan',
  'Migration checklist',
];
const RISK_REASONS = [
  'Budget cut announced',
  'Low adoption outside one team',
  'Competitive evaluation in progress',
  'Consolidating licences after a reorganisation',
];
/** Next risk category, weighted by the current one: forecasts mostly hold or improve. */
const RISK_MOVES: Readonly<Record<RiskCategory, Readonly<Record<RiskCategory, number>>>> = {
  will_renew: {
    will_renew: 80,
    will_contract_actionable: 12,
    will_contract: 5,
    will_churn_actionable: 2,
    will_churn: 1,
  },
  will_contract_actionable: {
    will_renew: 35,
    will_contract_actionable: 40,
    will_contract: 15,
    will_churn_actionable: 7,
    will_churn: 3,
  },
  will_contract: {
    will_renew: 10,
    will_contract_actionable: 25,
    will_contract: 55,
    will_churn_actionable: 6,
    will_churn: 4,
  },
  will_churn_actionable: {
    will_renew: 10,
    will_contract_actionable: 25,
    will_contract: 10,
    will_churn_actionable: 40,
    will_churn: 15,
  },
  will_churn: {
    will_renew: 2,
    will_contract_actionable: 8,
    will_contract: 10,
    will_churn_actionable: 20,
    will_churn: 60,
  },
};
/** Forecast as a share of the amount to renew, per risk category. */
const FORECAST_SHARE: Readonly<Record<RiskCategory, readonly [number, number]>> = {
  will_renew: [1, 1.15],
  will_contract_actionable: [0.75, 0.95],
  will_contract: [0.6, 0.9],
  will_churn_actionable: [0.1, 0.5],
  will_churn: [0, 0],
};
/** A team adds or drops a scanner type now and then, within one of the types it had. */
const SCANNER_TYPE_MOVES = { drop: 1, keep: 8, add: 1 } as const;
const SCANNER_TYPE_STEP: Readonly<Record<keyof typeof SCANNER_TYPE_MOVES, number>> = {
  drop: -1,
  keep: 0,
  add: 1,
};
/** Chance that an ARR write for an account in the `will_churn` stage is its churn. */
const CHURN_CHANCE = 0.1;
/** Seat price used for a first ARR movement of an account that has none ($30/seat/month). */
const SEAT_PRICE_CENTS_PER_YEAR = 36_000;

/**
 * Demo simulator: writes plausible facts through the facts tables at `config.simulateRate` writes
 * per second, so the dashboard moves. Choices are deterministic from `config.seed` given the same
 * database state; timestamps are the wall clock.
 */
@Injectable()
export class SimulatorService implements OnModuleDestroy, OnApplicationShutdown {
  readonly #logger = new Logger('Simulator');
  readonly #random: Random;
  readonly #timing: Random;
  #accounts: SimulatedAccount[] = [];
  #accountsLoadedAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #inFlight: Promise<void> | null = null;
  #nextDueAt = 0;
  /** Writes per second while running. */
  #rate = 0;
  #lastError: string | null = null;
  /** Writes each budgeted kind may still make, and when the budgets were last refilled. */
  #budgets = new Map<WriteKind, number>();
  #budgetsAt = 0;
  /** The sentiment last logged per account, so the next one mostly repeats it (the real mix holds). */
  readonly #sentiment = new Map<string, SentimentColor>();
  /** Each account's usage when first seen: the level its usage drifts around. */
  readonly #usageLevel = new Map<string, UsageCounts>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: SimulatorRepository,
  ) {
    this.#random = Random.derive(config.seed, CHOICE_STREAM);
    this.#timing = Random.derive(config.seed, TIMING_STREAM);
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts writing at `rate` (default `config.simulateRate`) per second; does nothing at rate 0 or when running. */
  async start(rate = this.config.simulateRate): Promise<void> {
    if (rate <= 0) {
      this.#logger.log('Simulator off (PULSE_SIMULATE_RATE=0)');
      return;
    }
    if (this.#running) return;
    this.#running = true;
    this.#rate = rate;
    this.#logger.log(`Simulator: ${rate} writes/s`);
    this.#nextDueAt = Date.now();
    this.#scheduleNext();
  }

  /** Stops the timer and waits for the write in progress; no write commits after this resolves. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#inFlight;
  }

  /** Stops before the database module's shutdown hook closes the connection. */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Writes one simulated fact for a random active account, in one small transaction. */
  async writeOnce(): Promise<SimulatedWrite> {
    const account = await this.#pickAccount();
    const now = new Date();
    const kind = this.#spend(this.#random.weighted(WRITE_WEIGHTS), now);
    const table = (await this.#write(kind, account, now)) ?? (await this.#writeSentiment(account, now));
    return { table, accountId: account.id };
  }

  /** The kind to write: `wanted` while its budget lasts, else usage. */
  #spend(wanted: WriteKind, now: Date): WriteKind {
    const rate = REAL_RATES_PER_ACCOUNT_DAY[wanted];
    if (rate === undefined) return wanted;
    this.#refillBudgets(now.getTime());
    const left = this.#budgets.get(wanted) ?? 0;
    if (left < 1) return 'usage';
    this.#budgets.set(wanted, left - 1);
    return wanted;
  }

  #refillBudgets(nowMs: number): void {
    const perSecond = (rate: number) => (rate * this.#accounts.length) / 86_400;
    if (this.#budgetsAt === 0) {
      for (const [kind, rate] of Object.entries(REAL_RATES_PER_ACCOUNT_DAY) as [WriteKind, number][])
        this.#budgets.set(kind, Math.max(1, perSecond(rate) * STARTING_BUDGET_SECONDS));
    } else {
      const seconds = Math.max(0, nowMs - this.#budgetsAt) / 1000;
      for (const [kind, rate] of Object.entries(REAL_RATES_PER_ACCOUNT_DAY) as [WriteKind, number][]) {
        // Unspent budget is capped at the starting hour's: a quiet spell is not followed by a burst.
        const cap = Math.max(1, perSecond(rate) * STARTING_BUDGET_SECONDS);
        this.#budgets.set(kind, Math.min(cap, (this.#budgets.get(kind) ?? 0) + perSecond(rate) * seconds));
      }
    }
    this.#budgetsAt = nowMs;
  }

  /** Mean interval 1/rate, each drawn between 0.5× and 1.5× of it; writes never overlap. */
  #scheduleNext(): void {
    if (!this.#running) return;
    const now = Date.now();
    if (now - this.#nextDueAt > MAX_LAG_MS) this.#nextDueAt = now;
    this.#nextDueAt += (1000 / this.#rate) * this.#timing.float(0.5, 1.5);
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.#inFlight = this.#tick().finally(() => {
          this.#inFlight = null;
          this.#scheduleNext();
        });
      },
      Math.max(0, this.#nextDueAt - now),
    );
  }

  async #tick(): Promise<void> {
    try {
      await this.writeOnce();
      this.#lastError = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // The same failure on every tick (e.g. no accounts yet) is logged once.
      if (message !== this.#lastError) this.#logger.error(`Simulated write skipped: ${message}`);
      this.#lastError = message;
    }
  }

  async #pickAccount(): Promise<SimulatedAccount> {
    if (this.#accounts.length === 0 || Date.now() - this.#accountsLoadedAt > ACCOUNT_REFRESH_MS) {
      this.#accounts = await this.repository.listActiveAccounts();
      this.#accountsLoadedAt = Date.now();
    }
    if (this.#accounts.length === 0) throw new Error('no active (non-churned) accounts to simulate');
    return this.#random.pick(this.#accounts);
  }

  /** Writes a fact of `kind`; null when the account has nothing of that kind to move. */
  async #write(kind: WriteKind, account: SimulatedAccount, now: Date): Promise<string | null> {
    const today = toDate(now.toISOString());
    switch (kind) {
      case 'usage':
        await this.repository.recordUsage(account.id, today, (latest) => this.#nextUsage(account, latest));
        return 'usage_snapshots';
      case 'sentiment':
        return this.#writeSentiment(account, now);
      case 'ticket':
        if (this.#random.chance(0.5) && (await this.repository.closeOldestOpenTicket(account.id, now))) {
          return 'support_tickets';
        }
        await this.repository.openTicket(
          account.id,
          this.#random.weighted(SEVERITIES),
          this.#random.pick(TICKET_SUBJECTS),
          now,
        );
        return 'support_tickets';
      case 'milestone': {
        const stepped = await this.repository.stepOpenMilestone(account.id, ({ progressPct }) => {
          const progress = Math.min(100, progressPct + this.#random.int(10, 35));
          return { progressPct: progress, status: progress === 100 ? 'done' : 'in_progress' };
        });
        if (stepped) return 'sp_milestones';
        const added = await this.repository.addMilestone(account.id, {
          title: this.#random.pick(MILESTONE_TITLES),
          technical: this.#random.chance(0.6),
          ownerId: this.#ownerOf(account),
          dueDate: addDays(today, this.#random.int(14, 90)),
        });
        return added ? 'sp_milestones' : null;
      }
      case 'deliverable': {
        if (this.#random.chance(0.6) && (await this.repository.deliverNext(account.id, today))) {
          return 'deliverables';
        }
        // Some are recorded already overdue, so that some deliveries are late.
        const dueDate = addDays(today, this.#random.int(-10, 30));
        const added = await this.repository.addDeliverable(
          account.id,
          this.#random.pick(DELIVERABLE_TITLES),
          dueDate,
        );
        return added ? 'deliverables' : null;
      }
      case 'renewal': {
        const revised = await this.repository.reviseRenewal(account.id, (current) =>
          this.#nextForecast(current),
        );
        return revised ? 'renewals' : null;
      }
      case 'arr': {
        const movement = await this.repository.recordArrMovement(account.id, today, (arr) =>
          this.#nextArrMovement(account, arr),
        );
        if (movement === 'churn') this.#accounts = this.#accounts.filter((a) => a.id !== account.id);
        return 'arr_movements';
      }
    }
  }

  async #writeSentiment(account: SimulatedAccount, now: Date): Promise<string> {
    const kind = this.#random.weighted(SENTIMENT_KINDS);
    const sentiment = kind === 'email' && this.#random.chance(0.5) ? null : this.#nextSentiment(account.id);
    await this.repository.addTimelineEntry({
      accountId: account.id,
      authorId: this.#ownerOf(account),
      kind,
      occurredAt: now,
      sentiment,
      personas: this.#random.sample(PERSONAS, this.#random.int(0, 3)),
      summary: this.#random.pick(SUMMARIES[sentiment ?? 'green']),
    });
    return 'timeline_entries';
  }

  /**
   * Mostly the sentiment last logged for the account; now and then a fresh one from the real mix.
   * The share of green, yellow and red accounts then stays where it is: as many get better as worse.
   */
  #nextSentiment(accountId: string): SentimentColor {
    const last = this.#sentiment.get(accountId);
    const next =
      last !== undefined && !this.#random.chance(SENTIMENT_CHANGE_CHANCE)
        ? last
        : this.#random.weighted(SENTIMENTS);
    this.#sentiment.set(accountId, next);
    return next;
  }

  /** The person whose sentiment counts for the account, else its CSE. */
  #ownerOf(account: SimulatedAccount): string | null {
    const owners = sentimentOwners(
      account as Pick<Account, 'successTier' | 'csmId' | 'cseId' | 'csaId'> as Account,
    );
    return owners[0] ?? account.cseId;
  }

  /** Adoption drifts a little up or down; every count stays consistent with the schema's checks. */
  #nextUsage(account: SimulatedAccount, latest: UsageCounts | null): UsageCounts {
    const seats = Math.max(1, account.licensedSeats);
    const base: UsageCounts = latest ?? {
      billableUsers: Math.round(seats * 0.6),
      activeUsers28d: Math.round(seats * 0.45),
      gitOperationUsers: Math.round(seats * 0.3),
      ciBuilds: seats * 10,
      ciPipelines: seats * 3,
      scannerUsers: Math.round(seats * 0.05),
      scans: seats,
      scannerTypes: 1,
      deployingUsers: Math.round(seats * 0.05),
      deployments: seats * 2,
      successfulDeployments: seats,
      issueUsers: Math.round(seats * 0.2),
      epicUsers: Math.round(seats * 0.05),
    };
    // Up or down a few percent, pulled back toward the account's own level: adoption wanders but
    // does not climb (or sink) for ever while a demo runs for days.
    if (!this.#usageLevel.has(account.id)) this.#usageLevel.set(account.id, base);
    const level = this.#usageLevel.get(account.id)!;
    const trend = this.#random.float(-0.05, 0.05);
    const drift = (key: keyof UsageCounts) => {
      const value = base[key];
      const pulled = value + USAGE_PULL_TO_LEVEL * (level[key] - value);
      return Math.max(0, Math.round(pulled * (1 + trend + this.#random.float(-0.03, 0.03))));
    };
    const billableUsers = Math.min(Math.round(seats * 1.1), drift('billableUsers'));
    const users = (key: keyof UsageCounts) => Math.min(billableUsers, drift(key));
    const deployments = drift('deployments');
    return {
      billableUsers,
      activeUsers28d: users('activeUsers28d'),
      gitOperationUsers: users('gitOperationUsers'),
      ciBuilds: drift('ciBuilds'),
      ciPipelines: drift('ciPipelines'),
      scannerUsers: users('scannerUsers'),
      scans: drift('scans'),
      scannerTypes: Math.min(
        7,
        level.scannerTypes + 1,
        Math.max(
          0,
          level.scannerTypes - 1,
          base.scannerTypes + SCANNER_TYPE_STEP[this.#random.weighted(SCANNER_TYPE_MOVES)],
        ),
      ),
      deployingUsers: users('deployingUsers'),
      deployments,
      successfulDeployments: Math.min(deployments, drift('successfulDeployments')),
      issueUsers: users('issueUsers'),
      epicUsers: users('epicUsers'),
    };
  }

  #nextForecast(current: RenewalForecast): RenewalForecast {
    const riskCategory = this.#random.weighted(RISK_MOVES[current.riskCategory]);
    const [low, high] = FORECAST_SHARE[riskCategory];
    return {
      atrCents: current.atrCents,
      forecastCents: Math.round(current.atrCents * this.#random.float(low, high)),
      riskCategory,
      riskReason:
        riskCategory === 'will_renew'
          ? null
          : riskCategory === current.riskCategory && current.riskReason
            ? current.riskReason
            : this.#random.pick(RISK_REASONS),
    };
  }

  #nextArrMovement(account: SimulatedAccount, arrCents: number): ArrMovementDraft {
    if (arrCents <= 0) {
      return {
        kind: 'new',
        amountCents: Math.max(1, account.licensedSeats) * SEAT_PRICE_CENTS_PER_YEAR,
        note: 'New subscription',
      };
    }
    if (account.lifecycleStage === 'will_churn' && this.#random.chance(CHURN_CHANCE)) {
      return { kind: 'churn', amountCents: arrCents, note: 'Did not renew' };
    }
    // Expansions slightly outweigh contractions, as in a healthy book; neither compounds quickly.
    if (this.#random.chance(0.6)) {
      return {
        kind: 'expansion',
        amountCents: Math.max(100, Math.round(arrCents * this.#random.float(0.01, 0.05))),
        note: 'Added seats',
      };
    }
    return {
      kind: 'contraction',
      amountCents: Math.max(1, Math.min(arrCents - 1, Math.round(arrCents * this.#random.float(0.01, 0.04)))),
      note: 'Removed unused seats',
    };
  }
}
