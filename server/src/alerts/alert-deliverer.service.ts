import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { alertRecipients } from '@pulse/domain';
import { type AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { alertMessage } from './alert-message.js';
import { AlertMailer, DeliveryError, sendSlack, sendWebhook } from './alert-senders.js';
import {
  AlertsRepository,
  type LeasedDelivery,
  type PlannedDelivery,
  type UnplannedAlert,
} from './alerts.repository.js';
import { deliveryRetryDelayMs } from './delivery-backoff.js';

/** Idle wait between two looks at the outbox (the 2-second promise of issue 12 has room to spare). */
const POLL_MS = 250;
/** A delivery leased by a process that dies is due again after this (longer than a send's timeout). */
const LEASE_MS = 30_000;
const PLAN_BATCH = 50;
const SEND_BATCH = 10;

type Members = Awaited<ReturnType<AlertsRepository['teamMembers']>>;

/**
 * Delivers the outbox: plans each new alert into its recipients and deliveries (one per receiver,
 * each with its idempotency key), then sends due deliveries, retrying with backoff and jitter and
 * marking a receiver failing after `maxAttempts` tries. Several processes may run it: planning
 * skips locked rows and every send holds a lease, so each delivery is sent by one process; a
 * process that dies mid-send leaves a lease that runs out, and the delivery is sent again with the
 * same idempotency key (receivers drop the second copy).
 */
@Injectable()
export class AlertDeliverer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private readonly mailer: AlertMailer | null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastError = '';

  constructor(
    private readonly repository: AlertsRepository,
    private readonly adapter: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const { smtpUrl, mailFrom } = config.alerts;
    this.mailer = smtpUrl ? new AlertMailer(smtpUrl, mailFrom) : null;
  }

  onApplicationBootstrap(): void {
    if (this.config.alerts.deliver) this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.mailer?.close();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let busy = false;
    try {
      let members: Members | null = null;
      const planned = await this.repository.planNextIfAny(PLAN_BATCH, async () => {
        members ??= await this.repository.teamMembers();
        return (alert) => this.plan(alert, members!);
      });
      const leased = await this.repository.leaseDue(SEND_BATCH, LEASE_MS);
      await Promise.all(leased.map((delivery) => this.deliver(delivery)));
      busy = planned > 0 || leased.length > 0;
      this.lastError = '';
    } catch (error) {
      // The database is down or closing: try again later; nothing is lost (the outbox keeps it).
      const text = String(error);
      if (text !== this.lastError && !this.stopped) this.logger.warn(`Alert delivery paused: ${text}`);
      this.lastError = text;
    }
    this.schedule(busy ? 0 : POLL_MS);
  }

  private plan(
    alert: UnplannedAlert,
    members: Members,
  ): { recipients: string[]; deliveries: PlannedDelivery[] } {
    const [csm, cse, csa, ae, rm] = alert.owners;
    const recipients = alertRecipients(
      { csm: csm ?? null, cse: cse ?? null, csa: csa ?? null, ae: ae ?? null, rm: rm ?? null },
      members,
    );
    const emailOf = new Map(members.map((member) => [member.id, member.email]));
    const deliveries: PlannedDelivery[] = [];
    for (const channel of alert.channels) {
      if (channel.kind === 'email') {
        const to = channel.to.length > 0 ? channel.to : recipients.map((id) => emailOf.get(id)!);
        if (to.length > 0)
          deliveries.push({
            alertId: alert.id,
            channel: 'email',
            target: [...new Set(to)].sort().join(','),
            secret: null,
          });
      } else {
        const secret = channel.kind === 'webhook' ? channel.secret : null;
        deliveries.push({ alertId: alert.id, channel: channel.kind, target: channel.url, secret });
      }
    }
    return { recipients, deliveries };
  }

  private async deliver(delivery: LeasedDelivery): Promise<void> {
    const message = alertMessage(delivery.alert, delivery.idempotencyKey, this.publicUrl());
    try {
      switch (delivery.channel) {
        case 'slack':
          await sendSlack(delivery.target, message);
          break;
        case 'webhook':
          await sendWebhook(delivery.target, delivery.secret ?? '', message);
          break;
        case 'email':
          if (!this.mailer) throw new DeliveryError('no SMTP server configured (PULSE_SMTP_URL)');
          await this.mailer.send(delivery.target.split(','), message);
          break;
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const { maxAttempts, retryBaseMs } = this.config.alerts;
      const giveUp = delivery.attempts >= maxAttempts;
      await this.repository.markFailed(
        delivery,
        reason,
        giveUp ? null : deliveryRetryDelayMs(delivery.attempts, retryBaseMs),
        maxAttempts,
      );
      if (giveUp)
        this.logger.warn(
          `Alert ${delivery.alert.id} to ${delivery.channel} ${delivery.target} given up after ${delivery.attempts} tries: ${reason}`,
        );
      return;
    }
    await this.repository.markDelivered(delivery);
  }

  /** Links in messages point at PULSE_PUBLIC_URL's first origin, else at this server. */
  private publicUrl(): string {
    const configured = this.config.publicOrigins[0];
    if (configured) return configured;
    const address = this.adapter.httpAdapter?.getHttpServer()?.address();
    const port = typeof address === 'object' && address ? address.port : this.config.port;
    return `http://localhost:${port}`;
  }
}
