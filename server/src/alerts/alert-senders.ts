import { createHmac } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { type AlertMessage, emailSubject, emailText, slackPayload } from './alert-message.js';

/** A receiver that did not take the message (non-2xx, refused, timed out). */
export class DeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** A receiver that answers slower than this has failed the try; it is retried later. */
const SEND_TIMEOUT_MS = 10_000;

async function postJson(url: string, body: string, headers: Record<string, string>): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Pulse-Alerts', ...headers },
      body,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (error) {
    throw new DeliveryError(`POST ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new DeliveryError(`POST ${url} answered ${response.status}`);
}

/** Slack-compatible incoming webhook. */
export function sendSlack(url: string, message: AlertMessage): Promise<void> {
  return postJson(url, JSON.stringify(slackPayload(message)), { 'idempotency-key': message.idempotencyKey });
}

/**
 * `X-Pulse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver recomputes
 * it with the shared secret and refuses old timestamps (replays).
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/** Generic webhook: the AlertMessage as JSON, signed. */
export function sendWebhook(url: string, secret: string, message: AlertMessage): Promise<void> {
  const body = JSON.stringify(message);
  const signature = webhookSignature(secret, Math.floor(Date.now() / 1000), body);
  return postJson(url, body, { 'idempotency-key': message.idempotencyKey, 'x-pulse-signature': signature });
}

/** E-mail over SMTP (nodemailer); the Message-ID carries the idempotency key. */
export class AlertMailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    const url = new URL(smtpUrl);
    for (const [name, value] of Object.entries({
      connectionTimeout: SEND_TIMEOUT_MS,
      greetingTimeout: SEND_TIMEOUT_MS,
      socketTimeout: SEND_TIMEOUT_MS,
    })) {
      if (!url.searchParams.has(name)) url.searchParams.set(name, String(value));
    }
    this.transport = nodemailer.createTransport(url.toString());
  }

  async send(to: string[], message: AlertMessage): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.from,
        to,
        subject: emailSubject(message),
        text: emailText(message),
        messageId: `<${message.idempotencyKey}@pulse.alerts>`,
        headers: { 'X-Pulse-Idempotency-Key': message.idempotencyKey },
      });
    } catch (error) {
      throw new DeliveryError(`SMTP: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  close(): void {
    this.transport.close();
  }
}
