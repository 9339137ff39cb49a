import { ALERT_TRIGGER_INFO, ALERT_TRIGGERS, REGIONS, SEGMENTS, SUCCESS_TIERS } from '@pulse/domain';
import { z } from 'zod';
import { invalidParameter } from '../api/api-errors.js';

const httpUrl = z
  .string()
  .max(2_000)
  .refine((raw) => URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol), 'must be an http(s) URL');

const memberId = z.string().regex(/^[\w.:-]{1,100}$/, 'must be a team member id');

const channel = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('slack'), url: httpUrl }),
  z.strictObject({
    kind: z.literal('webhook'),
    url: httpUrl,
    // Empty on an update: keep the rule's current secret for this URL (the API never shows secrets).
    secret: z.union([z.literal(''), z.string().min(16, 'must be at least 16 characters').max(500)]),
  }),
  z.strictObject({
    kind: z.literal('email'),
    to: z.array(z.email('must be e-mail addresses')).max(50).default([]),
  }),
]);

export const alertRuleBody = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    trigger: z.enum(ALERT_TRIGGERS),
    threshold: z.number().min(0).max(100_000).nullable().default(null),
    scope: z
      .strictObject({
        region: z.enum(REGIONS).optional(),
        segment: z.enum(SEGMENTS).optional(),
        tier: z.enum(SUCCESS_TIERS).optional(),
        owner: memberId.optional(),
        manager: memberId.optional(),
      })
      .default({}),
    quietHours: z.number().min(0).max(8_760).nullable().default(null),
    channels: z.array(channel).min(1, 'needs at least one receiver').max(20),
    enabled: z.boolean().default(true),
  })
  .superRefine((rule, context) => {
    if (rule.threshold !== null && ALERT_TRIGGER_INFO[rule.trigger].threshold === null)
      context.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: `${rule.trigger} takes no threshold`,
      });
  });

export type AlertRuleBody = z.infer<typeof alertRuleBody>;

export const muteBody = z.strictObject({
  hours: z
    .number()
    .positive()
    .max(24 * 365),
  member: memberId.nullable().default(null),
});

/** Parses a body with a schema; the first problem becomes the API's 400 naming the field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
  throw invalidParameter(field, issue.message);
}
