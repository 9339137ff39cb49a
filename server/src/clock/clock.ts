import { type DynamicModule, Global, Module } from '@nestjs/common';

/**
 * What time it is for everything that computes "now": scoring, the live views' day, the asOf and
 * retention checks, calibration. One provider, so a test can step it through simulated months.
 * (Sessions, deliveries and latency metrics keep the wall clock: they are about real time.)
 */
export abstract class Clock {
  abstract now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The UTC date of the clock's instant: the engine's "today". */
export const todayOf = (clock: Clock): string => clock.now().toISOString().slice(0, 10);

@Global()
@Module({})
export class ClockModule {
  static forClock(clock: Clock): DynamicModule {
    return { module: ClockModule, providers: [{ provide: Clock, useValue: clock }], exports: [Clock] };
  }
}
