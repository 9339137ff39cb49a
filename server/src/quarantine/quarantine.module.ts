import { Module } from '@nestjs/common';
import { QuarantineRepository } from './quarantine.repository.js';
import { QuarantineService, RETRY_POLICY } from './quarantine.service.js';
import { SCORING_RETRY_POLICY } from './retry-policy.js';

/** Accounts whose scoring failed: retries, quarantine records, and their metric. */
@Module({
  providers: [
    { provide: RETRY_POLICY, useValue: SCORING_RETRY_POLICY },
    QuarantineRepository,
    QuarantineService,
  ],
  exports: [QuarantineRepository, QuarantineService],
})
export class QuarantineModule {}
