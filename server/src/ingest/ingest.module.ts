import { Module } from '@nestjs/common';
import { CsvImportService } from './csv-import.service.js';
import { ImportController } from './import.controller.js';
import { ImportMappingsRepository } from './import-mappings.repository.js';
import { IngestController } from './ingest.controller.js';
import { IngestRepository } from './ingest.repository.js';
import { IngestService } from './ingest.service.js';

/** REST ingest and CSV import into the facts tables (the change-log triggers carry the rows on). */
@Module({
  controllers: [IngestController, ImportController],
  providers: [IngestService, IngestRepository, CsvImportService, ImportMappingsRepository],
})
export class IngestModule {}
