import { simulate } from '../../../workflows/engine';
import { DAY, loadJourney, utc } from './fixtures';

describe('simulate', () => {
  const start = utc('2025-03-03T09:00'); // Monday 10:00 in Stockholm
  const events = [
    { at: start, ats: { type: 'ats.application.created' as const } },
    { at: start + 2 * DAY, ats: { type: 'ats.application.stage_changed' as const, stage: 'interview' as const } },
    { at: start + 3 * DAY, ats: { type: 'ats.interview.scheduled' as const, interview: { id: 'i-1', start: utc('2025-03-12T13:00'), end: utc('2025-03-12T14:00') } } },
    { at: utc('2025-03-12T14:30'), ats: { type: 'ats.interview.completed' as const, interview: { id: 'i-1', start: utc('2025-03-12T13:00') } } },
    { at: utc('2025-03-14T15:00'), ats: { type: 'ats.application.rejected' as const } },
  ];

  it('shows the candidate every message in their local time, in their language, with the longest silence', () => {
    const result = simulate({
      definition: loadJourney('default-sv'),
      candidate: { timeZone: 'Europe/Stockholm', channels: { email: true, sms: true } },
      events,
      variables: { 'candidate.firstName': 'Astrid', 'job.title': 'Backendutvecklare', 'recruiter.name': 'Maja', 'company.name': 'Candor', 'interview.location': 'Kungsgatan 1' },
    });
    expect(result.messages.map((m) => [m.localTime, m.channel, m.template])).toEqual([
      ['Mon 2025-03-03 10:00 (Europe/Stockholm)', 'email', 'applied.ack'],
      ['Wed 2025-03-05 10:00 (Europe/Stockholm)', 'email', 'interview.invited'],
      ['Thu 2025-03-06 10:00 (Europe/Stockholm)', 'email', 'interview.confirmed'],
      ['Tue 2025-03-11 10:00 (Europe/Stockholm)', 'email', 'interview.still-working'],
      ['Tue 2025-03-11 14:00 (Europe/Stockholm)', 'email', 'interview.reminder-day-before'],
      ['Wed 2025-03-12 12:00 (Europe/Stockholm)', 'sms', 'interview.reminder-soon'],
      ['Wed 2025-03-12 15:30 (Europe/Stockholm)', 'email', 'interview.thanks'],
      ['Mon 2025-03-17 09:00 (Europe/Stockholm)', 'email', 'rejected.closing'],
    ]);
    expect(result.messages[0]?.subject).toBe('Vi har tagit emot din ansökan till Backendutvecklare');
    expect(result.messages[5]?.body).toBe('Hej Astrid! Vi ses Wed 2025-03-12 14:00 (Europe/Stockholm) för intervjun om Backendutvecklare (Kungsgatan 1). Lycka till! Status: {{ statusUrl }} /Maja');
    expect(result.completed).toBe(true);
    expect(result.outcome).toBe('rejected');
    // Longest wait: the confirmation on Thursday 10:00 to the follow-up on Tuesday 10:00.
    expect(result.longestSilence).toMatchObject({ businessDays: 3, hours: 120, from: utc('2025-03-06T09:00'), to: utc('2025-03-11T09:00') });
  });

  it('fills long silences with status updates and falls back when a channel fails', () => {
    const result = simulate({
      definition: loadJourney('default-en'),
      candidate: { timeZone: 'America/New_York', channels: { email: true, sms: true }, failingChannels: ['email'] },
      events: [{ at: start, ats: { type: 'ats.application.created' } }],
      until: start + 30 * DAY,
    });
    const firsts = result.messages.filter((m) => m.attempt === 1);
    // Two follow-ups (max: 2) every 4 business days, then a status update every 5 business days.
    expect(firsts.map((m) => [m.localTime, m.template])).toEqual([
      // 04:00 in New York is quiet: the acknowledgement waits for 08:00.
      ['Mon 2025-03-03 08:00 (America/New_York)', 'applied.ack'],
      ['Fri 2025-03-07 09:00 (America/New_York)', 'applied.still-reviewing'],
      ['Thu 2025-03-13 09:00 (America/New_York)', 'applied.still-reviewing'],
      ['Thu 2025-03-20 09:00 (America/New_York)', 'status.update'],
      ['Thu 2025-03-27 09:00 (America/New_York)', 'status.update'],
    ]);
    expect(result.messages.filter((m) => m.attempt === 2).every((m) => m.channel === 'sms')).toBe(true);
    expect(result.alerts.filter((a) => a.reason === 'max-silence')).toHaveLength(2);
    expect(result.alerts.filter((a) => a.reason === 'all-channels-failed')).toHaveLength(0);
    expect(result.longestSilence.businessDays).toBeLessThanOrEqual(5);
    expect(result.completed).toBe(false);
    expect(result.end - result.start).toBe(30 * DAY);
  });
});
