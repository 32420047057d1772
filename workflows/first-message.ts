import type { DeliverRequest } from './contracts';
import type { DeliverCommand } from './engine/commands';
import { decide } from './engine/decide';
import { messagesWithPaths } from './engine/promise-checks';
import { initialState, type JourneyState } from './engine/state';
import { mapAtsEvent } from './event-mapping';
import type { InitialJourney, JourneyEvent } from './shared';

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

/**
 * The message a new journey sends at once on its first event (the acknowledgement), exactly as the journey's first
 * decision hands it to delivery: same message id, channel, text and calendar, so the ledger (keyed by tenant, message id
 * and channel) makes the journey's own send of it find it sent. Only for the event a journey was started with, on the
 * journey ingest resolved for it, as a journey created from now on decides (in any event order); undefined when the
 * first decision sends nothing at once (quiet hours, no way to reach the candidate yet) or takes another journey.
 */
export function firstMessageOf(params: { tenant: string; applicationId: string; event: JourneyEvent; initial: InitialJourney; now: number }): DeliverRequest | undefined {
  const mapped = mapAtsEvent(params.event);
  if (!mapped.ok) return undefined;
  const { contact, event } = mapped.value;
  // The journey takes ingest's resolution only for the job and locale it was resolved for (workflows/candidate-journey.ts).
  if (params.initial.for.jobId !== (contact.jobId || undefined) || params.initial.for.locale !== (event.candidate?.locale || undefined)) return undefined;
  const state = initialState({ applicationId: params.applicationId, definition: params.initial.definition, definitionVersion: params.initial.version, anyOrder: true });
  const decision = decide(state, { kind: 'ats', event }, params.now);
  const first = decision.commands.find((c): c is DeliverCommand => c.type === 'deliver');
  if (!first || first.notBefore > params.now) return undefined;
  return { ...deliverRequestOf(first, decision.state, params), contact, at: params.now };
}
