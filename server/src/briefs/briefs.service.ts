import { Injectable } from '@nestjs/common';
import { type BriefChanges, briefChanges } from '@pulse/domain';
import type { AccountDetail } from '@pulse/protocol';
import { Clock } from '../clock/clock.js';
import { AsOfViewsService } from '../views/as-of-views.service.js';
import { ViewsService } from '../views/views.service.js';
import { type BriefCheckpoint, BriefCheckpointsRepository } from './brief-checkpoints.repository.js';

/** A frozen brief beside today's, with what changed since, measure by measure. */
export interface BriefComparison {
  checkpoint: BriefCheckpoint;
  then: AccountDetail;
  now: AccountDetail;
  changes: BriefChanges;
}

/**
 * Renewal brief checkpoints (issue 14 point 3). A checkpoint stores only its instant: the brief as
 * it stood then is the account page as of that instant, computed from the facts history, so it is
 * frozen exactly (within the history's retention).
 */
@Injectable()
export class BriefsService {
  constructor(
    private readonly checkpoints: BriefCheckpointsRepository,
    private readonly views: ViewsService,
    private readonly asOfViews: AsOfViewsService,
    private readonly clock: Clock,
  ) {}

  /** Taken at the clock's instant: the brief it freezes is the page as of that instant. */
  freeze(accountId: string, label: string, takenBy: string | null): Promise<BriefCheckpoint> {
    return this.checkpoints.create(accountId, label, takenBy, this.clock.now());
  }

  list(accountId: string): Promise<BriefCheckpoint[]> {
    return this.checkpoints.list(accountId);
  }

  /** Null when the account or the checkpoint does not exist. */
  async compare(accountId: string, checkpointId: number): Promise<BriefComparison | null> {
    const checkpoint = await this.checkpoints.find(accountId, checkpointId);
    if (!checkpoint) return null;
    const instant = new Date(checkpoint.takenAt);
    const [then, now] = await Promise.all([
      this.asOfViews.accountDetail(accountId, { instant, day: checkpoint.takenAt.slice(0, 10) }),
      this.views.accountDetail(accountId),
    ]);
    if (!then || !now) return null;
    return { checkpoint, then, now, changes: briefChanges(then.scorecard, now.scorecard) };
  }
}
