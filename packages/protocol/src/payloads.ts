/**
 * Shapes the server composes from @pulse/domain outputs and facts: REST payloads, which are also
 * the states of the matching topics (`account:<id>` = GET /api/accounts/:id, `changes`).
 * Server and web import them from here, so the two sides cannot drift apart.
 */
import type {
  Account,
  AccountSummary,
  ArrMovementKind,
  Cents,
  Color,
  IsoDate,
  IsoInstant,
  MemberRef,
  OwnerRole,
  Region,
  Renewal,
  ScoreChange,
  Scorecard,
  Segment,
  SuccessPlan,
  SuccessTier,
  TeamMember,
  UseCase,
} from '@pulse/domain';

/** What every view of a recorded score or colour move shows: whose, when, from what to what, why. */
interface ScoreMoveFields {
  accountId: string;
  accountName: string;
  changedAt: IsoInstant;
  fromScore: number | null;
  toScore: number | null;
  /** null for the first score an account ever got. */
  fromColor: Color | null;
  toColor: Color;
  cause: string | null;
}

/** A recorded score or colour move with its per-measure causes (account history). */
export interface ChangeEntry extends ScoreMoveFields {
  id: number;
  contributions: Partial<ScoreChange['contributions']>;
  /** "82 → 74: CI adoption −5.6, success plan −2.4". */
  text: string | null;
}

/**
 * A score move as the "what changed" feed shows it: the account, both scores and colours, when,
 * why, and the measures that moved it most. The full explanation is on the account's page.
 */
export interface FeedEntry extends ScoreMoveFields {
  /** The (at most three) measures that moved the score most, largest first. */
  moves: FeedMove[];
}

export interface FeedMove {
  label: string;
  points: number;
}

/**
 * State of the `changes` topic: the newest score moves keyed by their id (a new one is one add, one
 * that ages out one remove), without those that show no move (same score to a tenth, same colour).
 */
export interface ChangesState {
  changes: Record<string, FeedEntry>;
}

/** ARR after each movement of the account's ledger. */
export interface ArrHistoryPoint {
  date: IsoDate;
  kind: ArrMovementKind;
  amountCents: Cents;
  arrCents: Cents;
}

/**
 * Why an account's score is frozen: a stored value the engine cannot represent (table, row, column
 * and value set), or repeated scoring failures (those four null). Fixing the row recovers it.
 */
export interface AccountQuarantine {
  table: string | null;
  rowId: string | null;
  column: string | null;
  value: string | null;
  reason: string;
  since: IsoInstant;
  attempts: number;
}

/** GET /api/accounts/:id, and the state of topic `account:<id>`. */
export interface AccountDetail {
  account: Account;
  owners: Record<OwnerRole, MemberRef | null>;
  scorecard: Scorecard;
  summary: AccountSummary;
  successPlan: SuccessPlan | null;
  arrHistory: ArrHistoryPoint[];
  renewals: Renewal[];
  /** Score moves, oldest first. */
  scoreHistory: ChangeEntry[];
  /** Set while the scorecard above is the last good one, frozen by an unreadable row. */
  quarantine: AccountQuarantine | null;
}

/** GET /api/team-members. */
export interface TeamMembersResponse {
  members: TeamMember[];
}

/** A row of GET /api/accounts. */
export interface AccountListItem {
  id: string;
  name: string;
  region: Region;
  segment: Segment;
  tier: SuccessTier;
  healthScore: number | null;
  healthColor: Color;
  healthLabel: string | null;
  arrCents: Cents;
  renewalDate: IsoDate | null;
  primaryUseCase: UseCase | null;
  primaryUseCaseColor: Color;
  owners: Record<OwnerRole, string | null>;
}

/** GET /api/accounts: one page, sorted and filtered. */
export interface AccountListPage {
  items: AccountListItem[];
  total: number;
  nextCursor: string | null;
}
