import { bandColor, colorPoints, pointsColor } from '../colors.js';
import type { PulseConfig } from '../config.js';
import { daysBetween, monthsBetween } from '../dates.js';
import type { Account, Color, IsoDate, PlanTier, UsageSnapshot, UseCase } from '../facts.js';
import { inputLabel } from '../measure-inputs.js';
import type { MeasureInput } from '../views.js';
import { colorResult, greyResult, type MeasureResult } from './result.js';

/** Latest snapshot measured on or before `asOf`, if not older than the usage age limit. */
export function currentUsage(
  snapshots: UsageSnapshot[],
  asOf: IsoDate,
  config: PulseConfig,
): { snapshot: UsageSnapshot | null; tooOld: boolean } {
  let latest: UsageSnapshot | null = null;
  for (const s of snapshots) {
    if (s.measuredOn <= asOf && (latest === null || s.measuredOn > latest.measuredOn)) latest = s;
  }
  if (latest === null) return { snapshot: null, tooOld: false };
  if (daysBetween(latest.measuredOn, asOf) > config.usageMaxAgeDays) return { snapshot: null, tooOld: true };
  return { snapshot: latest, tooOld: false };
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** License-utilization colour by utilization and months since subscription start (KPIS.md §1.2). */
export function licenseUtilizationColor(lu: number, monthsSinceStart: number, config: PulseConfig): Color {
  const {
    monthBoundaries: [m1, m2, m3],
    low,
    mid,
    high,
  } = config.licenseUtilization;
  if (monthsSinceStart < m1) return 'grey';
  if (lu < low) return 'red';
  if (lu <= mid) return monthsSinceStart < m2 ? 'yellow' : 'red';
  if (lu <= high) return monthsSinceStart < m2 ? 'green' : monthsSinceStart < m3 ? 'yellow' : 'red';
  return 'green';
}

export function licenseUtilization(
  account: Account,
  snapshot: UsageSnapshot,
  asOf: IsoDate,
  config: PulseConfig,
): MeasureResult {
  const lu = ratio(snapshot.billableUsers, account.licensedSeats);
  const months = monthsBetween(account.contractStart, asOf);
  const inputs: MeasureInput[] = [
    { name: 'billable_users', value: snapshot.billableUsers, date: snapshot.measuredOn },
    { name: 'licensed_seats', value: account.licensedSeats, date: null },
    { name: 'months_since_start', value: months, date: account.contractStart },
  ];
  if (lu === null) return greyResult('no licensed seats', inputs);
  const color = licenseUtilizationColor(lu, months, config);
  if (color === 'grey')
    return { ...greyResult('onboarding: under 2 months of subscription', inputs), value: lu };
  return colorResult(color, lu, `${pct(lu)} of seats used after ${months} months`, inputs, config);
}

export function userEngagement(snapshot: UsageSnapshot, config: PulseConfig): MeasureResult {
  const inputs: MeasureInput[] = [
    { name: 'active_users_28d', value: snapshot.activeUsers28d, date: snapshot.measuredOn },
    { name: 'billable_users', value: snapshot.billableUsers, date: snapshot.measuredOn },
  ];
  const share = ratio(snapshot.activeUsers28d, snapshot.billableUsers);
  if (share === null) return greyResult('no billable users', inputs);
  const color = bandColor(share, config.userEngagement);
  return colorResult(color, share, `${pct(share)} of billable users active in 28 days`, inputs, config);
}

function pct(value: number): string {
  return `${Math.round(value * 1000) / 10}%`;
}

/** red ≤ redMax < yellow ≤ yellowMax < green */
function upperInclusive(value: number, t: { redMax: number; yellowMax: number }): Color {
  return value <= t.redMax ? 'red' : value <= t.yellowMax ? 'yellow' : 'green';
}

/** red < yellowMin ≤ yellow ≤ yellowMax < green */
function closedYellow(value: number, t: { yellowMin: number; yellowMax: number }): Color {
  return value < t.yellowMin ? 'red' : value <= t.yellowMax ? 'yellow' : 'green';
}

/** red ≤ redMax < yellow < greenMin ≤ green */
function redInclusiveGreenInclusive(value: number, t: { redMax: number; greenMin: number }): Color {
  return value <= t.redMax ? 'red' : value < t.greenMin ? 'yellow' : 'green';
}

interface Metric {
  name: string;
  value: number | null;
  color: Color;
}

function metric(name: string, value: number | null, rule: (v: number) => Color): Metric {
  return { name, value, color: value === null ? 'grey' : rule(value) };
}

/** Metrics of one use case (KPIS.md §2), each with its colour. */
export function useCaseMetrics(useCase: UseCase, s: UsageSnapshot, config: PulseConfig): Metric[] {
  const a = config.adoption;
  const perUser = (n: number) => ratio(n, s.billableUsers);
  switch (useCase) {
    case 'scm':
      return [
        metric('git_operation_users_share', perUser(s.gitOperationUsers), (v) =>
          upperInclusive(v, a.scmGitUsersShare),
        ),
      ];
    case 'ci':
      return [metric('ci_builds_per_user', perUser(s.ciBuilds), (v) => upperInclusive(v, a.ciBuildsPerUser))];
    case 'security':
      return [
        metric('scanner_users_share', perUser(s.scannerUsers), (v) =>
          redInclusiveGreenInclusive(v, a.securityScannerUsersShare),
        ),
        metric('scans_per_pipeline', ratio(s.scans, s.ciPipelines), (v) =>
          closedYellow(v, a.securityScansPerPipeline),
        ),
        metric('scanner_types', s.scannerTypes, (v) => redInclusiveGreenInclusive(v, a.securityScannerTypes)),
      ];
    case 'cd':
      return [
        metric('deploying_users_share', perUser(s.deployingUsers), (v) =>
          closedYellow(v, a.cdDeployingUsersShare),
        ),
        metric('deployments_per_user', perUser(s.deployments), (v) =>
          closedYellow(v, a.cdDeploymentsPerUser),
        ),
        metric('deployment_success_rate', ratio(s.successfulDeployments, s.deployments), (v) =>
          closedYellow(v, a.cdSuccessRate),
        ),
      ];
    case 'agile':
      return [
        metric('planning_users_share', perUser(Math.max(s.issueUsers, s.epicUsers)), (v) =>
          closedYellow(v, a.agileUsersShare),
        ),
      ];
  }
}

/**
 * Adoption of one use case: the mean of its metrics' colour points, coloured by that mean.
 * Billable users of 0 make every per-user metric grey (no data, never red).
 */
export function useCaseAdoption(
  useCase: UseCase,
  snapshot: UsageSnapshot,
  planTier: PlanTier,
  config: PulseConfig,
): MeasureResult {
  const metrics = useCaseMetrics(useCase, snapshot, config);
  const inputs: MeasureInput[] = metrics.map((m) => ({
    name: m.name,
    value: m.value,
    date: snapshot.measuredOn,
  }));
  if (!adoptionApplies(useCase, planTier)) return greyResult('security needs the Ultimate plan', inputs);
  const mean = meanPoints(metrics, config);
  if (mean === null) return greyResult('no usage data for this use case', inputs);
  const color = pointsColor(mean, config);
  const reason = metrics.map((m) => `${inputLabel(m.name).toLowerCase()} ${m.color}`).join(', ');
  return { value: metrics[0]?.value ?? null, color, points: mean, inputs, stale: false, info: null, reason };
}

/**
 * The colour of `useCaseAdoption` alone, by the same rule: what summaries ask for at many dates
 * (trend points, quarter starts), without the inputs and reason a scorecard shows.
 */
export function useCaseAdoptionColor(
  useCase: UseCase,
  snapshot: UsageSnapshot,
  planTier: PlanTier,
  config: PulseConfig,
): Color {
  if (!adoptionApplies(useCase, planTier)) return 'grey';
  const mean = meanPoints(useCaseMetrics(useCase, snapshot, config), config);
  return mean === null ? 'grey' : pointsColor(mean, config);
}

/** Security adoption is measured on the Ultimate plan only. */
const adoptionApplies = (useCase: UseCase, planTier: PlanTier): boolean =>
  useCase !== 'security' || planTier === 'ultimate';

/** The mean colour points of the metrics that have a colour, or null when none has. */
function meanPoints(metrics: readonly Metric[], config: PulseConfig): number | null {
  let sum = 0;
  let count = 0;
  for (const m of metrics) {
    const points = colorPoints(m.color, config);
    if (points === null) continue;
    sum += points;
    count += 1;
  }
  return count === 0 ? null : sum / count;
}
