import { createHash } from 'node:crypto';
import type { Logger } from '../../core/logger';
import { alertLineText, alertTexts, type AlertLine, type AlertTexts } from '../../core/messaging/alert-texts';
import { emailHtml } from '../../core/messaging/email-html';
import type { TextBlock } from '../../core/messaging/text-layout';
import { emailSender, SANDBOX_EMAIL_FROM, type MailAddress } from '../../core/messaging/sender';
import {
  alertsAwaiting,
  allAlertSettings,
  claimAlertNotification,
  markAlertNotificationFailed,
  markAlertNotificationSent,
  releaseAlertNotification,
  type AlertNotificationKind,
  type AlertSettings,
  type StoredAlert,
} from '../../core/store/alerts';
import type { Queryable } from '../../core/store/database';
import { readApplicationPeople, type ApplicationPeople } from '../../core/store/people';
import { tenantBranding } from '../../core/store/tenants';

/** The slice of an e-mail provider (activities/messaging's Provider) the sweep sends through. */
export interface AlertMailer {
  readonly emailFrom?: string;
  send(message: {
    messageId: string;
    tenant: string;
    applicationId: string;
    channel: 'email';
    to: string;
    template: string;
    locale: string;
    subject: string;
    text: string;
    html?: string;
    from?: MailAddress;
    replyTo?: MailAddress;
  }): Promise<unknown>;
}

/** What the alert sweep needs: the store, the configured e-mail provider, the console's base URL. */
export interface AlertSweepDeps {
  db: Queryable;
  email: AlertMailer;
  publicUrl: string;
  logger: Logger;
  /** For the Slack-compatible webhooks; global fetch unless given. */
  fetch?: typeof fetch;
}

/** What one sweep sent. */
export interface SweepResult {
  emails: number;
  slack: number;
  digests: number;
  escalations: number;
}

const short = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 16);

/** One alert as a paragraph of the HTML part: who and what on one line, the console link on the next. */
const lineBlock = (texts: AlertTexts, line: AlertLine): TextBlock => ({ kind: 'paragraph', lines: alertLineText(texts, line).split('\n').map((l) => l.replace(/^-\s+/, '').trim()) });

/** An alert e-mail as the recruiter reads it: the text part's words, in the layout of the candidates' e-mails (core/messaging/email-html). */
export interface AlertMail {
  subject: string;
  intro: string;
  lines: AlertLine[];
}

/**
 * One pass over the recruiter alerts (README "Alerts that reach a person"): each alert not yet sent goes to the
 * recruiter named on the application (at once, or in the tenant's daily digest), to the tenant's Slack-compatible
 * webhook, and, when still unresolved after the tenant's escalation time, to its fallback address. Every
 * notification is claimed in alert_notifications before its provider is called, so a second sweep (or a second
 * api process) never sends it again; a provider failure gives the claim back for the next pass. Runs in the api
 * role because it opens the sealed recruiter address (core/store/people.ts).
 */
export async function sweepAlerts(deps: AlertSweepDeps, now = new Date()): Promise<SweepResult> {
  const { db } = deps;
  const result: SweepResult = { emails: 0, slack: 0, digests: 0, escalations: 0 };
  const settings = await allAlertSettings(db);
  const settingsOf = (tenant: string): AlertSettings => settings.get(tenant) ?? { delivery: 'immediate', digestHour: 8, slackWebhookUrl: null, fallbackEmail: null, escalateAfterMinutes: null };
  const base = deps.publicUrl.replace(/\/$/, '');
  const peopleCache = new Map<string, ApplicationPeople | undefined>();
  const peopleOf = async (alert: StoredAlert) => {
    const key = `${alert.tenant_id}\u0000${alert.application_id}`;
    if (!peopleCache.has(key)) peopleCache.set(key, (await readApplicationPeople(db, alert.tenant_id, [alert.application_id])).get(alert.application_id));
    return peopleCache.get(key);
  };
  const lineOf = async (alert: StoredAlert): Promise<AlertLine> => {
    const people = await peopleOf(alert);
    return {
      reason: alert.reason,
      applicationId: alert.application_id,
      candidateName: people?.candidateName,
      jobTitle: people?.jobTitle,
      days: alert.days,
      consoleUrl: `${base}/console#/applications/${encodeURIComponent(alert.application_id)}`,
    };
  };

  /** Claims, sends, and records one notification; false when it was claimed before or the provider failed. */
  const deliver = async (claim: { id: string; tenant: string; kind: AlertNotificationKind; alertIds: string[] }, send: () => Promise<unknown>) => {
    if (!(await claimAlertNotification(db, claim))) return false;
    try {
      await send();
    } catch (error) {
      await releaseAlertNotification(db, claim.id);
      deps.logger.warn({ tenant: claim.tenant, kind: claim.kind, alertIds: claim.alertIds, err: error instanceof Error ? error.message : String(error) }, 'alert notification failed; the next sweep tries again');
      return false;
    }
    await markAlertNotificationSent(db, claim.id);
    return true;
  };

  /** Sends one alert e-mail: a text part and an HTML part with the same words, each alert linking to its candidate. */
  const mail = async (tenant: string, to: string, texts: AlertTexts, applicationId: string, messageId: string, content: AlertMail) => {
    const branding = await tenantBranding(db, tenant);
    const locale = texts.locale;
    const sender = emailSender({ platformFrom: deps.email.emailFrom ?? SANDBOX_EMAIL_FROM, tenant, displayName: `Candor · ${branding.displayName}`, sendingDomain: branding.sendingDomain, locale });
    const text = `${content.intro}\n\n${content.lines.map((l) => alertLineText(texts, l)).join('\n')}\n\n${texts.footer}\n`;
    const html = emailHtml({
      lang: locale,
      subject: content.subject,
      blocks: [{ kind: 'paragraph', lines: [content.intro] }, ...content.lines.map((l) => lineBlock(texts, l))],
      brand: { displayName: `Candor · ${branding.displayName}`, logoUrl: branding.logoUrl, accentColour: branding.accentColour },
      footer: { text: texts.footer, url: `${base}/console#/alerts`, label: texts.open },
    });
    await deps.email.send({ messageId, tenant, applicationId, channel: 'email', to, template: 'recruiter.alert', locale, subject: content.subject, text, html, from: sender.from, replyTo: sender.replyTo });
  };

  // 1. At once: each alert of an immediate tenant (the default) to its recruiter, else to the fallback address.
  const digestTenants = [...settings].filter(([, s]) => s.delivery === 'digest').map(([tenant]) => tenant);
  for (const alert of await alertsAwaiting(db, ['email', 'digest'], { excludeTenants: digestTenants, unacknowledged: true })) {
    const people = await peopleOf(alert);
    const to = people?.recruiter?.email ?? settingsOf(alert.tenant_id).fallbackEmail;
    const id = `email:${alert.tenant_id}:${alert.alert_id}`;
    if (!to) {
      if (await claimAlertNotification(db, { id, tenant: alert.tenant_id, kind: 'email', alertIds: [alert.alert_id] })) await markAlertNotificationFailed(db, id, 'no recruiter or fallback address');
      continue;
    }
    const texts = alertTexts(people?.recruiter?.locale);
    const line = await lineOf(alert);
    const content = { subject: texts.subject(line), intro: texts.intro, lines: [line] };
    if (await deliver({ id, tenant: alert.tenant_id, kind: 'email', alertIds: [alert.alert_id] }, () => mail(alert.tenant_id, to, texts, alert.application_id, `alert:${alert.alert_id}`, content))) result.emails++;
  }

  // 2. The daily digest: from the tenant's digest hour (UTC), one e-mail per recruiter a day with what is still open.
  const day = now.toISOString().slice(0, 10);
  for (const tenant of digestTenants) {
    if (now.getUTCHours() < settingsOf(tenant).digestHour) continue;
    const byRecipient = new Map<string, { locale: string | undefined; alerts: StoredAlert[] }>();
    for (const alert of await alertsAwaiting(db, ['email', 'digest'], { tenant, unacknowledged: true })) {
      const people = await peopleOf(alert);
      const to = people?.recruiter?.email ?? settingsOf(tenant).fallbackEmail;
      if (!to) continue;
      const entry = byRecipient.get(to) ?? { locale: people?.recruiter?.locale, alerts: [] };
      entry.alerts.push(alert);
      byRecipient.set(to, entry);
    }
    for (const [to, { locale, alerts }] of byRecipient) {
      const texts = alertTexts(locale);
      const lines = await Promise.all(alerts.map(lineOf));
      const content = { subject: texts.digestSubject(alerts.length), intro: texts.digestIntro(alerts.length), lines };
      const id = `digest:${tenant}:${day}:${short(to)}`;
      const sent = await deliver({ id, tenant, kind: 'digest', alertIds: alerts.map((a) => a.alert_id) }, () =>
        mail(tenant, to, texts, alerts[0]!.application_id, `alert-digest:${tenant}:${day}:${short(to)}`, content),
      );
      if (sent) result.digests++;
    }
  }

  // 3. Slack-compatible incoming webhooks: one post per alert, whatever the e-mail delivery.
  for (const [tenant, s] of settings) {
    if (!s.slackWebhookUrl) continue;
    for (const alert of await alertsAwaiting(db, ['slack'], { tenant, unacknowledged: true })) {
      const line = await lineOf(alert);
      const texts = alertTexts('en');
      const body = JSON.stringify({ text: `${texts.subject(line)}: ${texts.reason(line.reason, line.days)}. <${line.consoleUrl}|${texts.open}>` });
      const sent = await deliver({ id: `slack:${tenant}:${alert.alert_id}`, tenant, kind: 'slack', alertIds: [alert.alert_id] }, async () => {
        const response = await (deps.fetch ?? fetch)(s.slackWebhookUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
        if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
      });
      if (sent) result.slack++;
    }
  }

  // 4. Escalation: an alert still unresolved after the tenant's time goes to its fallback address, once.
  for (const [tenant, s] of settings) {
    if (!s.fallbackEmail || !s.escalateAfterMinutes) continue;
    const texts = alertTexts('en');
    for (const alert of await alertsAwaiting(db, ['escalation'], { tenant, raisedBefore: new Date(now.getTime() - s.escalateAfterMinutes * 60_000) })) {
      const line = await lineOf(alert);
      const content = { subject: texts.escalationSubject(line), intro: texts.escalationIntro(s.escalateAfterMinutes), lines: [line] };
      const sent = await deliver({ id: `escalation:${tenant}:${alert.alert_id}`, tenant, kind: 'escalation', alertIds: [alert.alert_id] }, () =>
        mail(tenant, s.fallbackEmail!, texts, alert.application_id, `alert-escalation:${alert.alert_id}`, content),
      );
      if (sent) result.escalations++;
    }
  }
  return result;
}

/** Runs sweepAlerts every `everyMs` (never two at once) until closed. */
export function startAlertSweep(deps: AlertSweepDeps, everyMs = 15_000): { close(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let closed = false;
  const tick = () => {
    running = sweepAlerts(deps)
      .catch((error: unknown) => deps.logger.error({ err: error }, 'alert sweep failed; trying again at the next pass'))
      .finally(() => {
        if (!closed) timer = setTimeout(tick, everyMs);
      });
  };
  timer = setTimeout(tick, everyMs);
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
