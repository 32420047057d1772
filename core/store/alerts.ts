import type { Queryable } from './database';
import { openSecret, sealSecret } from './secrets';

/** One alert for the recruiter (the console lists the open ones); its id makes a second write a no-op. */
export interface RecruiterAlert {
  tenant: string;
  applicationId: string;
  alertId: string;
  reason: string;
  messageId?: string | undefined;
  days?: number | undefined;
}

/** Records an alert once per (tenant, alert id). */
export async function recordRecruiterAlert(db: Queryable, params: RecruiterAlert): Promise<void> {
  await db.query(
    `insert into recruiter_alerts (alert_id, tenant_id, application_id, reason, message_id, days)
     values ($1, $2, $3, $4, $5, $6) on conflict (tenant_id, alert_id) do nothing`,
    [params.alertId, params.tenant, params.applicationId, params.reason, params.messageId ?? null, params.days ?? null],
  );
}

/** One alert as the console and the API list it. */
export interface StoredAlert {
  alert_id: string;
  tenant_id: string;
  application_id: string;
  reason: string;
  days: number | null;
  raised_at: Date | string;
  acknowledged_at: Date | string | null;
  resolved_at: Date | string | null;
  escalated_at: Date | string | null;
}

/** Which alerts a list shows: open (neither acknowledged nor resolved), acknowledged (not resolved), resolved, or all. */
export type AlertState = 'open' | 'acknowledged' | 'resolved' | 'all';

const STATE_CLAUSE: Record<AlertState, string> = {
  open: 'acknowledged_at is null and resolved_at is null',
  acknowledged: 'acknowledged_at is not null and resolved_at is null',
  resolved: 'resolved_at is not null',
  all: 'true',
};

/** A tenant's alerts in one state, newest first (up to `limit`), optionally of one application and of some kinds (reasons). */
export async function listRecruiterAlerts(db: Queryable, tenant: string, state: AlertState, limit: number, applicationId?: string, reasons?: string[]): Promise<StoredAlert[]> {
  const { rows } = await db.query<StoredAlert>(
    `select alert_id, tenant_id, application_id, reason, days, raised_at, acknowledged_at, resolved_at, escalated_at from recruiter_alerts
     where tenant_id = $1 and ${STATE_CLAUSE[state]} and ($3::text is null or application_id = $3) and ($4::text[] is null or reason = any($4::text[]))
     order by raised_at desc, alert_id limit $2`,
    [tenant, limit, applicationId ?? null, reasons && reasons.length > 0 ? reasons : null],
  );
  return rows;
}

/** How many of a tenant's alerts are in each state (open, acknowledged, resolved), for the inbox's tabs. */
export async function countRecruiterAlerts(db: Queryable, tenant: string, applicationId?: string): Promise<{ open: number; acknowledged: number; resolved: number }> {
  const { rows } = await db.query<{ open: string | number; acknowledged: string | number; resolved: string | number }>(
    `select count(*) filter (where ${STATE_CLAUSE.open}) as open, count(*) filter (where ${STATE_CLAUSE.acknowledged}) as acknowledged,
            count(*) filter (where ${STATE_CLAUSE.resolved}) as resolved
     from recruiter_alerts where tenant_id = $1 and ($2::text is null or application_id = $2)`,
    [tenant, applicationId ?? null],
  );
  const row = rows[0];
  return { open: Number(row?.open ?? 0), acknowledged: Number(row?.acknowledged ?? 0), resolved: Number(row?.resolved ?? 0) };
}

/**
 * Acknowledges (someone is on it: it leaves the board's SLA breach) or resolves (done; resolving also acknowledges)
 * one alert of a tenant. Idempotent: the first time stays. Undefined when the tenant has no such alert.
 */
export async function settleRecruiterAlert(db: Queryable, tenant: string, alertId: string, action: 'acknowledge' | 'resolve'): Promise<StoredAlert | undefined> {
  const set = action === 'resolve' ? 'acknowledged_at = coalesce(acknowledged_at, now()), resolved_at = coalesce(resolved_at, now())' : 'acknowledged_at = coalesce(acknowledged_at, now())';
  const { rows } = await db.query<StoredAlert>(
    `update recruiter_alerts set ${set} where tenant_id = $1 and alert_id = $2
     returning alert_id, tenant_id, application_id, reason, days, raised_at, acknowledged_at, resolved_at, escalated_at`,
    [tenant, alertId],
  );
  return rows[0];
}

/** How a tenant's alerts are delivered (migration 014); defaults when the tenant set nothing. */
export interface AlertSettings {
  delivery: 'immediate' | 'digest';
  /** The hour (UTC) the daily digest goes out. */
  digestHour: number;
  /** The Slack-compatible incoming webhook URL, sealed in the store (a credential). */
  slackWebhookUrl: string | null;
  fallbackEmail: string | null;
  escalateAfterMinutes: number | null;
}

const DEFAULT_SETTINGS: AlertSettings = { delivery: 'immediate', digestHour: 8, slackWebhookUrl: null, fallbackEmail: null, escalateAfterMinutes: null };
const slackContext = (tenant: string) => `alert-slack-webhook:${tenant}`;

interface SettingsRow {
  tenant_id: string;
  delivery: 'immediate' | 'digest';
  digest_hour: number;
  slack_webhook_sealed: string | null;
  fallback_email: string | null;
  escalate_after_minutes: number | null;
}
const settingsOf = (row: SettingsRow | undefined): AlertSettings =>
  row
    ? {
        delivery: row.delivery,
        digestHour: Number(row.digest_hour),
        slackWebhookUrl: row.slack_webhook_sealed ? openSecret(row.slack_webhook_sealed, slackContext(row.tenant_id)) : null,
        fallbackEmail: row.fallback_email,
        escalateAfterMinutes: row.escalate_after_minutes === null ? null : Number(row.escalate_after_minutes),
      }
    : { ...DEFAULT_SETTINGS };

/** A tenant's alert settings (the defaults when none are stored). */
export async function alertSettings(db: Queryable, tenant: string): Promise<AlertSettings> {
  const { rows } = await db.query<SettingsRow>('select * from tenant_alert_settings where tenant_id = $1', [tenant]);
  return settingsOf(rows[0]);
}

/** Every tenant's stored alert settings (the sweep's view; tenants without a row use the defaults). */
export async function allAlertSettings(db: Queryable): Promise<Map<string, AlertSettings>> {
  const { rows } = await db.query<SettingsRow>('select * from tenant_alert_settings');
  return new Map(rows.map((row) => [row.tenant_id, settingsOf(row)]));
}

/** Changes some of a tenant's alert settings (null clears one) and returns them all. */
export async function setAlertSettings(db: Queryable, tenant: string, change: Partial<AlertSettings>): Promise<AlertSettings> {
  const next = { ...(await alertSettings(db, tenant)), ...change };
  await db.query(
    `insert into tenant_alert_settings (tenant_id, delivery, digest_hour, slack_webhook_sealed, fallback_email, escalate_after_minutes, updated_at)
     values ($1, $2, $3, $4, $5, $6, now())
     on conflict (tenant_id) do update set delivery = excluded.delivery, digest_hour = excluded.digest_hour, slack_webhook_sealed = excluded.slack_webhook_sealed,
       fallback_email = excluded.fallback_email, escalate_after_minutes = excluded.escalate_after_minutes, updated_at = excluded.updated_at`,
    [tenant, next.delivery, next.digestHour, next.slackWebhookUrl ? sealSecret(next.slackWebhookUrl, slackContext(tenant)) : null, next.fallbackEmail, next.escalateAfterMinutes],
  );
  return next;
}

/** What kind of notification an alert got (one row each in alert_notifications). */
export type AlertNotificationKind = 'email' | 'slack' | 'digest' | 'escalation';

/**
 * Alerts of a tenant not yet resolved that no notification of these kinds covers, oldest first: what the sweep
 * still has to send. `raisedBefore` bounds escalations to alerts old enough. The notifications' alert ids are
 * unnested and taken away from the open alerts with EXCEPT (a hashed or sorted set operation, whatever the
 * planner's statistics, which embedded PGlite never refreshes on its own): one pass over each table. The former
 * `= any(alert_ids)` per alert was quadratic: 14 s for 10,000 sent alerts on PGlite.
 */
export async function alertsAwaiting(db: Queryable, kinds: AlertNotificationKind[], options: { tenant?: string; excludeTenants?: string[]; raisedBefore?: Date; unacknowledged?: boolean; limit?: number } = {}): Promise<StoredAlert[]> {
  const { rows } = await db.query<StoredAlert>(
    `with awaiting as (
       select tenant_id, alert_id from recruiter_alerts
       where resolved_at is null and ($2::text is null or tenant_id = $2) and ($3::timestamptz is null or raised_at < $3)
         and (not $4::boolean or acknowledged_at is null) and not (tenant_id = any($6::text[]))
       except
       select n.tenant_id, unnest(n.alert_ids) from alert_notifications n where n.kind = any($1::text[]) and ($2::text is null or n.tenant_id = $2)
     )
     select r.alert_id, r.tenant_id, r.application_id, r.reason, r.days, r.raised_at, r.acknowledged_at, r.resolved_at, r.escalated_at
     from awaiting a join recruiter_alerts r on r.tenant_id = a.tenant_id and r.alert_id = a.alert_id
     order by r.raised_at, r.alert_id limit $5`,
    [kinds, options.tenant ?? null, options.raisedBefore?.toISOString() ?? null, options.unacknowledged ?? false, options.limit ?? 500, options.excludeTenants ?? []],
  );
  return rows;
}

/**
 * Claims one notification before its provider is called, like the message ledger: true for the one caller that
 * wrote the claim; false when a claim with this id exists (sent, or being sent by another sweep), so nothing goes twice.
 */
export async function claimAlertNotification(db: Queryable, claim: { id: string; tenant: string; kind: AlertNotificationKind; alertIds: string[] }): Promise<boolean> {
  const { rows } = await db.query(
    `insert into alert_notifications (notification_id, tenant_id, kind, alert_ids) values ($1, $2, $3, $4::text[]) on conflict (notification_id) do nothing returning 1`,
    [claim.id, claim.tenant, claim.kind, claim.alertIds],
  );
  return rows.length === 1;
}

/** Records that a claimed notification was accepted by its provider (and, for an escalation, marks its alerts escalated). */
export async function markAlertNotificationSent(db: Queryable, id: string): Promise<void> {
  await db.query(
    `with sent as (update alert_notifications set status = 'sent', sent_at = now() where notification_id = $1 returning tenant_id, kind, alert_ids)
     update recruiter_alerts r set escalated_at = coalesce(r.escalated_at, now()) from sent
     where sent.kind = 'escalation' and r.tenant_id = sent.tenant_id and r.alert_id = any(sent.alert_ids)`,
    [id],
  );
}

/** Gives a claim back after its provider refused or failed for now, so a later sweep tries again. */
export async function releaseAlertNotification(db: Queryable, id: string): Promise<void> {
  await db.query(`delete from alert_notifications where notification_id = $1 and status = 'claimed'`, [id]);
}

/** Records that a claimed notification cannot be sent (no address to send to): it is not tried again. */
export async function markAlertNotificationFailed(db: Queryable, id: string, error: string): Promise<void> {
  await db.query(`update alert_notifications set status = 'failed', error = $2 where notification_id = $1`, [id, error.slice(0, 500)]);
}
