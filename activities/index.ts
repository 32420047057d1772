import type { Database } from '../core/store';
import type { Logger } from '../core/logger';
import type { HolidaySettings } from '../workflows/engine/definition';
import type { Activities, AlertRequest, DecisionRecord, JourneyEventOut } from '../workflows/contracts';
import { JOURNEY_FEATURES, type DeliveryResult, type JourneyBoardEntry } from '../workflows/shared';
import { createErasureActivities } from './erasure';
import { defaultJourneyFor, loadDefaultJourneys, type VersionedDefinition } from '../core/journeys/default-journeys';
import { resolveHolidaySettings } from '../core/journeys/holidays';
import { projectJourney } from '../core/store/board';
import { recordRecruiterAlert } from '../core/store/alerts';
import { newerPublishedJourney, resolvePublishedJourney } from '../core/journeys/published';
import { serverNow } from './server-clock';
import { createSandboxProvider, sendMessage, type DeliverRequest, type Providers, type SendDeps, type SendMessageOptions } from './messaging';
import { notifyRecruiterOfQuestion } from './messaging/questions';

export type { JourneyEventOut } from '../workflows/contracts';

/** Where journey events go; the worker wires the Kafka producer. */
export interface JourneyEventSink {
  publish(event: JourneyEventOut): Promise<unknown>;
}

/** What activities need from the outside world; only the worker wires real clients. */
export interface ActivityDeps {
  logger: Logger;
  db: Database;
  events: JourneyEventSink;
  /** Default journeys by locale (journeys/*.yaml) unless given. */
  journeys?: Map<string, VersionedDefinition>;
  /** The provider per channel (createProviders(config, db)); the sandbox for both unless given. */
  providers?: Providers;
  /** Base URL of the api role, for unsubscribe links and provider callbacks (PUBLIC_URL). */
  publicUrl?: string;
  /** Send-path tuning and test hooks: attempts before a channel counts as failed, calendar, crash points, timings. */
  messaging?: Partial<Pick<SendDeps, 'maxProviderAttempts' | 'calendarFor' | 'now' | 'crash' | 'observe'>>;
}

export type { DeliverRequest } from './messaging';

/**
 * Builds every activity the journey workflow can call, with its clients injected.
 * Workflows type their proxies with the Activities interface of workflows/contracts.ts, which this implements.
 */
export function createActivities(deps: ActivityDeps): Activities {
  const journeys = deps.journeys ?? loadDefaultJourneys();
  const send = sendDepsOf(deps, journeys);
  /** Writes a decision's board row and publishes its journey events (in order); both are idempotent, so a retry may repeat them. */
  const recordDecision = async (record: DecisionRecord): Promise<void> => {
    const publishing = (async () => {
      for (const event of record.events) await deps.events.publish(event);
    })();
    await Promise.all([record.board ? projectJourney(deps.db, record.board) : undefined, publishing]);
  };
  return {
    // Erasure after an erased journey ended (workflows/journey-erasure.ts): store wipe, history deletion.
    ...createErasureActivities({ db: deps.db }),

    /** The journey a new application follows: the job's, the tenant's default, or the shipped default for the candidate's locale. */
    async resolveJourneyDefinition(params: { tenant: string; jobId?: string; locale?: string; now?: number }): Promise<VersionedDefinition> {
      // Not the YAML the shipped journey was read from: the result is recorded in every new journey's history and
      // kept by the worker with the journey, and the journey needs only the definition (half the marker's size).
      const { source: _source, ...resolved } = await resolvePublishedJourney(deps.db, journeys, params, params.now ?? serverNow());
      return { ...resolved, features: [...JOURNEY_FEATURES] };
    },

    /** The newest published version of a running journey's journey, when it is new to the journey (asked at stage changes). */
    async latestJourneyVersion(params: { tenant: string; journeyId: string; knownVersions: string[]; now?: number }): Promise<VersionedDefinition | undefined> {
      return newerPublishedJourney(deps.db, params, params.now ?? serverNow());
    },

    /** A journey's named holiday calendar resolved again for the years from now (journeys call it when they roll over). */
    async resolveHolidays(params: { holidays: HolidaySettings }): Promise<HolidaySettings> {
      return resolveHolidaySettings(params.holidays, serverNow());
    },

    /**
     * Sends one message on one channel at most once (the ledger keyed by message id and channel), after
     * re-checking consent and quiet hours; see activities/messaging/send-message.ts.
     */
    async deliverMessage(request: DeliverRequest): Promise<DeliveryResult> {
      // A new journey's first decision comes with its record (JOURNEY_FEATURES `send-records`): written first, so the
      // board shows the journey and its events are out even while the provider makes this send wait.
      // The record never holds the message up: when it cannot be written the message still goes, and the result
      // says so, so the journey writes the record again with its next decision.
      const { record, ...message } = request;
      let recorded = true;
      if (record) {
        try {
          await recordDecision(record);
        } catch (error) {
          recorded = false;
          deps.logger.warn({ tenant: request.tenant, messageId: request.messageId, error: error instanceof Error ? error.message : String(error) }, 'could not record the decision before sending; the journey records it again');
        }
      }
      const result = await sendMessage(send, message);
      return recorded ? result : { ...result, recorded: false };
    },

    /** Records an alert for the recruiter (the console lists open alerts). */
    async alertRecruiter(params: AlertRequest): Promise<void> {
      await recordRecruiterAlert(deps.db, params);
      deps.logger.warn({ tenant: params.tenant, applicationId: params.applicationId, reason: params.reason }, 'recruiter alerted');
    },

    /** E-mails the recruiter named on the application about a candidate's question, once (activities/messaging/questions.ts). */
    async notifyRecruiterOfQuestion(params: { tenant: string; applicationId: string; questionId: string; recruiter?: { name?: string; email?: string } }): Promise<void> {
      await notifyRecruiterOfQuestion(send, params);
    },

    /**
     * Writes the journey's row on the recruiters' board (journey_board) with its status detail and new timeline
     * entries (journey_timeline), which the API serves without querying the workflow. A local activity: one marker
     * event in the journey's history, no task-queue round trip. Ordered by the entry's seq, so a retry never goes back.
     */
    async projectJourney(entry: JourneyBoardEntry): Promise<void> {
      await projectJourney(deps.db, entry);
    },

    /**
     * Publishes a journey event to `candor.journey-events`. Its id is deterministic, so consumers can dedupe a
     * replay, and starts with the tenant (the workflow builds it), so it is unique across tenants.
     */
    async publishJourneyEvent(event: JourneyEventOut): Promise<void> {
      await deps.events.publish(event);
    },

    /**
     * What one decision of a journey changed, in one local activity: its board row (as projectJourney) and its
     * journey events (as publishJourneyEvent, in order). A retry writes both again; both are idempotent.
     */
    recordJourneyDecision: recordDecision,
  };
}

/** The send path's dependencies from the activities' (one place, so every sender sends alike). */
function sendDepsOf(deps: Omit<ActivityDeps, 'events'>, journeys: Map<string, VersionedDefinition>): SendDeps {
  return {
    db: deps.db,
    providers: deps.providers ?? { sms: createSandboxProvider(deps.db, 'sms'), email: createSandboxProvider(deps.db, 'email') },
    publicUrl: (deps.publicUrl ?? 'http://localhost:3000').replace(/\/$/, ''),
    calendarFor: (request) => defaultJourneyFor(journeys, request.locale).definition,
    ...deps.messaging,
  };
}

/**
 * Sends one message through the same send path and ledger as the deliverMessage activity, outside any activity: ingest
 * sends a new journey's acknowledgement with it (README, "Acknowledged by ingest"). Quiet hours are judged by this
 * process's clock.
 */
export function createMessageSender(deps: Omit<ActivityDeps, 'events'>): (request: DeliverRequest, options?: SendMessageOptions) => Promise<DeliveryResult> {
  const { logger } = deps;
  const send: SendDeps = {
    now: () => Date.now(),
    log: { info: (message, meta) => logger.info(meta, message), warn: (message, meta) => logger.warn(meta, message) },
    ...sendDepsOf(deps, deps.journeys ?? loadDefaultJourneys()),
  };
  return (request, options) => sendMessage(send, request, options);
}

/** The activities object the workflow proxies (declared in workflows/contracts.ts). */
export type { Activities } from '../workflows/contracts';
