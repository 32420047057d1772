import type { Queryable } from './database';

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
