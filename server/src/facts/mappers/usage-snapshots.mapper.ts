import type { UsageSnapshot } from '@pulse/domain';
import type { Row } from '../fact-rows.js';

export function toUsageSnapshot(row: Row<'usage_snapshots'>): UsageSnapshot {
  return {
    id: row.id,
    accountId: row.account_id,
    measuredOn: row.measured_on,
    billableUsers: row.billable_users,
    activeUsers28d: row.active_users_28d,
    gitOperationUsers: row.git_operation_users,
    ciBuilds: row.ci_builds,
    ciPipelines: row.ci_pipelines,
    scannerUsers: row.scanner_users,
    scans: row.scans,
    scannerTypes: row.scanner_types,
    deployingUsers: row.deploying_users,
    deployments: row.deployments,
    successfulDeployments: row.successful_deployments,
    issueUsers: row.issue_users,
    epicUsers: row.epic_users,
  };
}
