import type { DeliverRequest } from './contracts';
import type { DeliverCommand } from './engine/commands';
import { decide } from './engine/decide';
import { messagesWithPaths } from './engine/promise-checks';
import { initialState, type JourneyState } from './engine/state';
import { mapAtsEvent, type MappedEvent } from './event-mapping';
import { boardEntry, journeyStatusOf } from './journey-board';
import type { InitialJourney, JourneyBoardEntry, JourneyEvent } from './shared';

/** A message as a journey hands it to delivery, before the contact and the clock are added at send time. */
export type DeliverBase = Omit<DeliverRequest, 'contact' | 'at' | 'record'>;

/** The delivery request of one `deliver` command of a journey in state `journey` (the journey's own and ingest's). */
export function deliverRequestOf(command: DeliverCommand, journey: JourneyState, target: { tenant: string; applicationId: string }): DeliverBase {
  const text = messagesWithPaths(journey.definition).find((m) => m.message.template === command.template)?.message.text;
  return {
    tenant: target.tenant,
    applicationId: target.applicationId,
    messageId: command.messageId,
    template: command.template,
    channel: command.channels[0]!,
    locale: command.locale,
    timeZone: journey.candidate.timeZone,
    text,
    ...(command.questionId ? { questionId: command.questionId } : {}),
    // Quiet hours are re-checked at send time against this journey's own calendar, not a default.
    calendar: {
      ...(journey.definition.quietHours ? { quietHours: journey.definition.quietHours } : {}),
      businessDays: journey.definition.businessDays,
      holidays: journey.definition.holidays,
      businessMorning: journey.definition.businessMorning,
    },
  };
}

/** The job and locale an event names: what a journey is chosen by. */
export function journeyChoiceOf(mapped: MappedEvent): { jobId?: string; locale?: string } {
  return {
    ...(mapped.contact.jobId ? { jobId: mapped.contact.jobId } : {}),
    ...(mapped.event.candidate?.locale ? { locale: mapped.event.candidate.locale } : {}),
  };
}

/** Whether a new journey takes the journey ingest resolved: only when its first event names the job and locale it was resolved for. */
export function takesIngestResolution(initial: InitialJourney | undefined, choice: { jobId?: string; locale?: string }): initial is InitialJourney {
  return initial !== undefined && initial.for.jobId === choice.jobId && initial.for.locale === choice.locale;
}

/** A new journey's first message, and the record of the decision that sends it. */
export interface FirstMessage {
  /** The message, exactly as the journey's first decision hands it to delivery. */
  request: DeliverRequest;
  /**
   * That decision's board row and timeline (entries numbered from 0), as the journey records it before sending; with
   * seq 0, so the journey's own record of the same decision (seq 1) replaces the row, and the store keeps one of each
   * numbered timeline entry.
   */
  record: JourneyBoardEntry;
}

/**
 * The message a new journey sends at once on its first event (the acknowledgement), exactly as the journey's first
 * decision hands it to delivery: same message id, channel, text and calendar, so the ledger (keyed by tenant, message id
 * and channel) makes the journey's own send of it find it sent. Only for the event a journey was started with, on the
 * journey ingest resolved for it, as a journey created from now on decides (in any event order); undefined when the
 * first decision sends nothing at once (quiet hours, no way to reach the candidate yet) or takes another journey.
 */
export function firstMessageOf(params: { tenant: string; applicationId: string; event: JourneyEvent; initial: InitialJourney; now: number }): FirstMessage | undefined {
  const mapped = mapAtsEvent(params.event);
  if (!mapped.ok) return undefined;
  const { contact, event } = mapped.value;
  if (!takesIngestResolution(params.initial, journeyChoiceOf(mapped.value))) return undefined;
  const state = initialState({ applicationId: params.applicationId, definition: params.initial.definition, definitionVersion: params.initial.version, anyOrder: true });
  const decision = decide(state, { kind: 'ats', event }, params.now);
  const first = decision.commands.find((c): c is DeliverCommand => c.type === 'deliver');
  if (!first || first.notBefore > params.now) return undefined;
  const after = decision.state;
  const { tenant: _tenant, applicationId: _applicationId, ...detail } = journeyStatusOf(params, after, { eventsApplied: 1, lastEventType: params.event.type });
  return {
    request: { ...deliverRequestOf(first, after, params), contact, at: params.now },
    record: { ...boardEntry(params.tenant, params.applicationId, after), seq: 0, detail, timeline: { from: 0, entries: after.timeline } },
  };
}
