import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { AlertDeliverer } from './alert-deliverer.service.js';
import { AlertRulesController, AlertsController } from './alerts.controller.js';
import { AlertsService } from './alerts.service.js';

/**
 * Alerts after scoring: the API over rules, bell and mutes, and the deliverer of the outbox. The
 * raising side (AlertRaiser and its repository) lives with scoring in the read model, whose
 * transaction it writes in; `readModel` is that module, `access` the one that scopes callers.
 */
@Module({})
export class AlertsModule {
  static forRoot(
    readModel: NonNullable<ModuleMetadata['imports']>[number],
    access: NonNullable<ModuleMetadata['imports']>[number],
  ): DynamicModule {
    return {
      module: AlertsModule,
      imports: [readModel, access],
      controllers: [AlertRulesController, AlertsController],
      providers: [AlertsService, AlertDeliverer],
    };
  }
}
