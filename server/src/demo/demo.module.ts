import { Module } from '@nestjs/common';
import { DemoSeeder } from './demo-seeder.service.js';
import { SimulatorRepository } from './simulator.repository.js';
import { SimulatorService } from './simulator.service.js';

/** The demo organisation: seeded into an empty database, and the simulator that keeps it moving. */
@Module({
  providers: [DemoSeeder, SimulatorRepository, SimulatorService],
  exports: [DemoSeeder, SimulatorService],
})
export class DemoModule {}
