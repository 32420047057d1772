import { exampleData, exampleEvent } from '../../core/events/examples';
import { journeyTimelineQuery, journeyWorkflowId } from '../../workflows/shared';
import type { TimelineEntry } from '../../workflows/engine';
import { unique } from '../helpers/env';
import { daytimeZone } from '../helpers/events';
import { fakeProviderEnv, useFixture } from '../helpers/fixture';

/**
 * Candor with every role, configured with Twilio and SendGrid credentials whose API base URLs point at
 * the local fakes: ATS events on Kafka become an e-mail and an SMS in the candidate's language, and
 * signed status webhooks mark them delivered in the ledger and the journey's timeline.
 */
describe('touchpoints end to end: Kafka → journey → real SDKs → fake providers → signed webhooks', () => {
  const t = useFixture({ fakes: true, candor: (f) => ({ CANDOR_ROLE: 'all', ...fakeProviderEnv(f.fakes) }), tenants: ['acme'], producer: true });

  it('an application gets an e-mail and an interview SMS in Swedish, with its fields; status webhooks mark both delivered', async () => {
    const applicationId = unique('app');
    const timeZone = daytimeZone();
    const examples = exampleData(applicationId);
    const candidate = { ...examples['ats.application.created'].candidate, timeZone, phone: '+46701239876', email: `${applicationId}@example.com` };
    // The interview starts 2 h 40 s from now, so its 2-hour SMS reminder is due in 40 s.
    const start = Date.now() + 2 * 3_600_000 + 40_000;
    const interview = { id: 'int-1', start: new Date(start).toISOString(), end: new Date(start + 3_600_000).toISOString(), location: 'Sveavägen 1, Stockholm' };
    const produce = (value: object) => t.producer.send({ topic: 'ats.events', messages: [{ key: `acme:${applicationId}`, value: JSON.stringify(value) }] });
    await produce(exampleEvent('ats.application.created', { tenant: 'acme', applicationId, time: new Date().toISOString(), data: { ...examples['ats.application.created'], candidate } }));
    await produce(exampleEvent('ats.interview.scheduled', { tenant: 'acme', applicationId, time: new Date().toISOString(), data: { ...examples['ats.interview.scheduled'], interview } }));

    const sms = await t.fakes.twilio.accepted(candidate.phone);
    expect(sms.body).toContain(candidate.firstName);
    expect(sms.body).toContain(new Intl.DateTimeFormat('sv-SE', { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(start)));
    const emails = t.fakes.sendgrid.sent.filter((m) => m.to === candidate.email);
    expect(emails.map((m) => m.subject)).toEqual(expect.arrayContaining(['Vi har tagit emot din ansökan till Backend Engineer']));
    expect(emails[0]!.text).toContain(`Hej ${candidate.firstName}`);
    expect(emails[0]!.headers['List-Unsubscribe']).toContain(`${t.base}/unsubscribe?token=`);

    expect((await t.fakes.twilio.statusCallback(sms.sid, 'delivered')).status).toBe(204);
    expect((await t.fakes.sendgrid.postEvents(`${t.base}/webhooks/providers/sendgrid/events`, [t.fakes.sendgrid.event(emails[0]!, 'delivered')])).status).toBe(204);
    const ledger = await t.candor.db.query<{ channel: string; status: string; template: string }>(
      'select channel, status, template from message_ledger where application_id = $1 and status = $2 order by created_at',
      [applicationId, 'delivered'],
    );
    expect(ledger.rows).toEqual(expect.arrayContaining([{ channel: 'email', status: 'delivered', template: 'applied.ack' }, { channel: 'sms', status: 'delivered', template: 'interview.reminder-soon' }]));
    const timeline: TimelineEntry[] = await t.client.workflow.getHandle(journeyWorkflowId('acme', applicationId)).query(journeyTimelineQuery);
    expect(timeline.filter((e) => e.type === 'message.delivered').map((e) => e.channel).sort()).toEqual(['email', 'sms']);
  }, 150_000);
});
