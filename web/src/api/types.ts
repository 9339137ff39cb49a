/**
 * Shapes of server payloads that @pulse/domain does not define (the server composes them from
 * domain outputs and facts). Topic states equal the matching REST payloads.
 */
import type {
  Account,
  AccountSummary,
  Cents,
  Color,
  IsoDate,
  IsoInstant,
  MeasureContribution,
  MeasureKey,
  OwnerRole,
  RenewalSummary,
  ScoreChange,
  ScoreChangeCause,
  Scorecard,
  SuccessPlan,
  TeamMember,
  UseCase,
} from '@pulse/domain';

/** One entry of the `changes` topic: a recent score or colour move with its causes. */
export interface ChangeEntry {
  accountId: string;
  accountName: string;
  changedAt: IsoInstant;
  fromScore: number | null;
  toScore: number | null;
  fromColor: Color;
  toColor: Color;
  contributions: Partial<Record<MeasureKey, MeasureContribution>>;
  cause: ScoreChangeCause | null;
}

/** State of the `changes` topic. */
export interface ChangesState {
  changes: Record<string, ChangeEntry>;
}

/** A score move in an account's history (`scoreHistory` of GET /api/accounts/:id). */
export type ScoreHistoryEntry = ScoreChange & { changedAt: IsoInstant };

export interface ArrHistoryPoint {
  date: IsoDate;
  arrCents: Cents;
}

/** Per use case: colour now and the metrics behind it. */
export interface UseCaseAdoption {
  color: Color;
  points: number | null;
  metrics?: { name: string; value: number | null; color: Color }[];
}

/** GET /api/accounts/:id, and the state of topic `account:<id>`. */
export interface AccountDetail {
  account: Account;
  owners: Partial<Record<OwnerRole, Pick<TeamMember, 'id' | 'name'> | null>>;
  scorecard: Scorecard;
  summary: AccountSummary;
  adoption: Partial<Record<UseCase, UseCaseAdoption>>;
  plan: SuccessPlan | null;
  arrHistory: ArrHistoryPoint[];
  renewal: RenewalSummary | null;
  scoreHistory: ScoreHistoryEntry[];
}

/** A row of GET /api/accounts (used for account names in drill-down lists). */
export type AccountListItem = Pick<Account, 'id' | 'name'> & Partial<Account>;
