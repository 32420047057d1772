import { nextWakeUp } from './engine/decide';
import type { JourneyState } from './engine/state';
import type { JourneyBoardEntry, JourneyStatus } from './shared';

/*
 * What a journey shows of itself (its status query, its row on the recruiters' board), from its state alone: pure, so
 * the journey and ingest (which records a new journey's first decision as it sends the acknowledgement) agree.
 */

/**
 * What the recruiters' board shows of a journey (journey_board): stage, waiting since, the last message and
 * the next one due (a stage message, or the status update that ends a silence). No personal data; a completed
 * journey keeps only ids, stage and outcome.
 */
export function boardEntry(tenant: string, applicationId: string, s: JourneyState): Omit<JourneyBoardEntry, 'seq'> {
  const completed = s.status === 'completed';
  let lastMessage: JourneyBoardEntry['lastMessage'] = null;
  let nextMessage: JourneyBoardEntry['nextMessage'] = null;
  if (!completed) {
    for (let i = s.timeline.length - 1; i >= 0 && !lastMessage; i--) {
      const entry = s.timeline[i]!;
      if (entry.type === 'message.dispatched' && entry.template) lastMessage = { template: entry.template, channel: entry.channel ?? null, at: entry.at };
    }
    for (const message of s.scheduled) {
      if (s.paused && message.pausable) continue;
      if (!nextMessage || message.dueAt < nextMessage.dueAt) nextMessage = { template: message.template, dueAt: message.dueAt };
    }
    if (s.silenceDueAt !== undefined && (!nextMessage || s.silenceDueAt < nextMessage.dueAt)) nextMessage = { template: s.definition.statusUpdate.template, dueAt: s.silenceDueAt };
  }
  return {
    tenant,
    applicationId,
    journeyId: journeyIdOf(s),
    definitionVersion: s.definitionVersion,
    status: s.status === 'new' ? 'open' : s.status,
    outcome: s.outcome ?? null,
    stage: s.stage ?? 'applied',
    paused: s.paused,
    timeZone: completed ? null : s.candidate.timeZone,
    locale: completed ? null : s.candidate.locale,
    startedAt: s.createdAt ?? null,
    waitingSince: s.lastMessageAt ?? s.createdAt ?? 0,
    lastMessage,
    nextMessage,
  };
}

/** The journey (definition id) a journey follows, from its version label (`default-sv@v2`) or its definition. */
export function journeyIdOf(s: JourneyState): string {
  const at = s.definitionVersion.indexOf('@');
  return at > 0 ? s.definitionVersion.slice(0, at) : s.definition.id;
}

/** The journey's status as its status query answers (before its first event: status `new`). */
export function journeyStatusOf(
  target: { tenant: string; applicationId: string },
  state: JourneyState | undefined,
  counts: { eventsApplied: number; lastEventType: string | undefined },
): JourneyStatus {
  return {
    tenant: target.tenant,
    applicationId: target.applicationId,
    eventsApplied: counts.eventsApplied,
    lastEventType: counts.lastEventType,
    completed: state?.status === 'completed',
    status: state?.status ?? 'new',
    stage: state?.stage,
    paused: state?.paused ?? false,
    definitionVersion: state?.definitionVersion,
    timeZone: state?.candidate.timeZone,
    locale: state?.candidate.locale,
    lastMessageAt: state?.lastMessageAt,
    nextWakeUp: state ? nextWakeUp(state) : undefined,
    scheduled: (state?.scheduled ?? []).map((m) => ({ template: m.template, purpose: m.purpose, dueAt: m.dueAt })).sort((a, b) => a.dueAt - b.dueAt),
  };
}
