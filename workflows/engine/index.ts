// The journey engine's door: pure, deterministic, safe to import from workflow code.
export { initialState, applyProfile, SEEN_EVENT_LIMIT, TIMELINE_LIMIT } from './state';
export type { JourneyState, InitialStateParams, ScheduledMessage, InFlightMessage, InterviewRecord, TimelineEntry, TimelineType, CandidateFacts } from './state';
export { decide, nextWakeUp } from './decide';
export type { Decision } from './decide';
export { Input, AtsEvent, AtsEventType, RecruiterAction, CandidateProfile, InterviewInfo } from './inputs';
export type {
  Command,
  DeliverCommand,
  AlertRecruiterCommand,
  PublishEventCommand,
  CompleteCommand,
  MessagePurpose,
  Outcome,
  JourneyEventType,
  AlertReason,
} from './commands';
export {
  JourneyDefinition,
  StageCategory,
  Channel,
  Message,
  TemplateKey,
  TERMINAL_STAGES,
  validateDefinition,
  formatPath,
} from './definition';
export type { DefinitionError, DefinitionValidation } from './definition';
export { messagesWithPaths } from './promise-checks';
export { simulate } from './simulate';
export type { SimulationParams, SimulationResult, SimulatedMessage, SimulatedCandidate, ScriptedStep, ScriptedAtsEvent } from './simulate';
export {
  makeCalendar,
  isQuietTime,
  deferOutOfQuietHours,
  latestAllowedAtOrBefore,
  isBusinessDay,
  addBusinessDays,
  businessDaysBetween,
  nextBusinessMorning,
} from './calendar';
export type { Calendar, CalendarSettings } from './calendar';
export { toLocal, fromLocal, formatLocal, isValidTimeZone } from './time-zone';
export { parseDuration } from './duration';
export { addBusinessHours, answerDueAt, ANSWER_TEMPLATE, QUESTION_RECEIVED_TEMPLATE, DEFAULT_ANSWER_WITHIN_HOURS, BUSINESS_DAY_HOURS } from './questions';
export type { OpenQuestion, QuestionSource, AnswerSettings } from './questions';
export type { Duration } from './duration';
