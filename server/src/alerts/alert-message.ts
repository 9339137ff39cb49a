import type { Color } from '@pulse/domain';
import { ALERT_TRIGGER_INFO } from '@pulse/domain';
import type { AlertView } from './alerts.repository.js';

/** What every channel sends: the account, the move, its causes measure by measure, and the links. */
export interface AlertMessage {
  /** The same in every retry of one delivery: receivers drop what they have seen. */
  idempotencyKey: string;
  alertId: number;
  rule: { id: number; name: string; trigger: string; triggerLabel: string };
  account: { id: string; name: string; url: string };
  reason: string;
  from: { score: number | null; color: Color | null };
  to: { score: number | null; color: Color | null };
  causes: { measure: string; label: string; points: number }[];
  /** The score move that raised it (the account page opens on it); null when no score moved. */
  scoreChangeId: number | null;
  moveUrl: string;
  raisedAt: string;
  text: string;
}

const scoreText = (side: { score: number | null; color: Color | null }) =>
  `${side.score ?? '–'} (${side.color ?? 'unscored'})`;

const signed = (points: number) => `${points > 0 ? '+' : points < 0 ? '−' : '±'}${Math.abs(points)}`;

export function alertMessage(alert: AlertView, idempotencyKey: string, publicUrl: string): AlertMessage {
  const accountUrl = `${publicUrl}/accounts/${encodeURIComponent(alert.accountId)}`;
  const causes = Object.entries(alert.contributions)
    .filter(([, c]) => c.points !== 0)
    .sort(([, a], [, b]) => Math.abs(b.points) - Math.abs(a.points))
    .map(([measure, c]) => ({ measure, label: c.label, points: c.points }));
  const from = { score: alert.fromScore, color: alert.fromColor };
  const to = { score: alert.toScore, color: alert.toColor };
  const causeText = causes.length > 0 ? causes.map((c) => `${c.label} ${signed(c.points)}`).join(', ') : null;
  const text = [
    `${alert.accountName}: ${alert.reason}.`,
    `Health ${scoreText(from)} → ${scoreText(to)}.`,
    causeText ? `Causes: ${causeText}.` : null,
  ]
    .filter((line) => line !== null)
    .join(' ');
  return {
    idempotencyKey,
    alertId: alert.id,
    rule: {
      id: alert.ruleId,
      name: alert.ruleName,
      trigger: alert.trigger,
      triggerLabel: ALERT_TRIGGER_INFO[alert.trigger].label,
    },
    account: { id: alert.accountId, name: alert.accountName, url: accountUrl },
    reason: alert.reason,
    from,
    to,
    causes,
    scoreChangeId: alert.scoreChangeId,
    moveUrl: alert.scoreChangeId === null ? accountUrl : `${accountUrl}?change=${alert.scoreChangeId}`,
    raisedAt: alert.raisedAt,
    text,
  };
}

/** Slack's incoming-webhook format (also read by Mattermost, Rocket.Chat, Discord's /slack endpoint). */
export function slackPayload(message: AlertMessage) {
  const causes = message.causes.map((c) => `• ${c.label}: ${signed(c.points)} points`).join('\n');
  return {
    text: `${message.rule.name}: ${message.text}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*<${message.account.url}|${message.account.name}>* — ${message.reason}\nHealth ${scoreText(message.from)} → *${scoreText(message.to)}*`,
        },
      },
      ...(causes ? [{ type: 'section', text: { type: 'mrkdwn', text: `*Causes*\n${causes}` } }] : []),
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `<${message.moveUrl}|Open the score move> · rule “${message.rule.name}”` },
        ],
      },
    ],
    idempotency_key: message.idempotencyKey,
  };
}

export function emailSubject(message: AlertMessage): string {
  return `[Pulse] ${message.account.name}: ${message.reason}`;
}

export function emailText(message: AlertMessage): string {
  const causes = message.causes.map((c) => `  - ${c.label}: ${signed(c.points)} points`).join('\n');
  return [
    `${message.account.name} — ${message.reason}`,
    '',
    `Health: ${scoreText(message.from)} → ${scoreText(message.to)}`,
    ...(causes ? ['', 'Causes, measure by measure:', causes] : []),
    '',
    `Account: ${message.account.url}`,
    `The score move: ${message.moveUrl}`,
    '',
    `Rule: ${message.rule.name} (${message.rule.triggerLabel})`,
  ].join('\n');
}
