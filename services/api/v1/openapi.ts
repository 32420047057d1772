import { z } from 'zod';
import { JourneyDefinition } from '../../../workflows/engine';
import { ID_PATTERN } from '../../../workflows/shared';
import { PreviewRequest } from '../../../core/journeys/preview';
import { SimulationRequest } from '../../../core/journeys/simulation';
import { SetAdapter } from '../admin/schemas';

/**
 * The OpenAPI 3.1 description of /api/v1, served at /docs. Request bodies come from the same zod schemas
 * the routes validate with; a test checks that every registered route is described here.
 */

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (s: object) => ({ 'application/json': { schema: s } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { description: ERROR_TEXT[code] ?? 'Error', content: json(ref('Error')) }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'The request is malformed; `details` names each field (path) and what is wrong',
  401: 'No API key, or an unknown or revoked one',
  404: 'Not found in your tenant (other tenants\u2019 data is never visible)',
  409: 'The request conflicts with the current state; the message says why',
  422: 'The content is invalid; `details` lists every problem with its path',
  503: 'The journey did not answer in time (its worker is busy or down), or too many reads are already waiting (`busy`, with Retry-After); retry shortly',
};
const ok = (description: string, body: object = { type: 'object' }) => ({ '200': { description, content: json(body) } });
const journeyId = { name: 'journeyId', in: 'path', required: true, schema: { type: 'string', pattern: ID_PATTERN.source } };
const applicationId = { name: 'applicationId', in: 'path', required: true, schema: { type: 'string' } };
const jobId = { name: 'jobId', in: 'path', required: true, schema: { type: 'string' } };
const definitionBody = {
  required: true,
  description: 'A journey definition as JSON, or as YAML with Content-Type application/yaml (the format of journeys/default-en.yaml)',
  content: { 'application/json': { schema: ref('JourneyDefinition') }, 'application/yaml': { schema: { type: 'string' } } },
};
// The operator's admin API (/admin/v1) takes CANDOR_ADMIN_KEY, not a tenant key.
const admin = [{ adminKey: [] }];
const tenantId = { name: 'tenantId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } };
const keyId = { name: 'keyId', in: 'path', required: true, schema: { type: 'string' } };
const provider = { name: 'provider', in: 'path', required: true, schema: { enum: ['greenhouse', 'lever', 'ashby'] } };
/** A POST on one journey with a `request` body (a component schema) answered with `answer`: simulate, preview. */
const journeyTool = (summary: string, request: string, answer: string) => ({
  post: { tags: ['journeys'], summary, parameters: [journeyId], requestBody: { required: true, content: json(ref(request)) }, responses: { ...ok(answer), ...errors(400, 401, 404, 422) } },
});
/** The analytics' scope: range (ISO dates or date-times, `to` exclusive; default the last 30 days, at most 400) and filters. */
const analyticsParameters = [
  { name: 'from', in: 'query', schema: { type: 'string' }, description: 'Start (inclusive); default 30 days before `to`' },
  { name: 'to', in: 'query', schema: { type: 'string' }, description: 'End (exclusive); default now' },
  { name: 'journey', in: 'query', schema: { type: 'string' }, description: 'One journey id' },
  { name: 'version', in: 'query', schema: { type: 'string' }, description: 'One journey version, e.g. default-sv@v2' },
  { name: 'job', in: 'query', schema: { type: 'string' }, description: 'One job id (as the status page or the survey recorded it)' },
  { name: 'charts', in: 'query', schema: { enum: ['svg'] }, description: 'Add the charts as SVG (GET /analytics only)' },
];
const actionResponses = { ...ok('The journey\u2019s status after the action', ref('ApplicationStatus')), ...errors(400, 401, 404, 409, 503) };

/** Builds the OpenAPI document; `serverUrl` is the public base URL. */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Candor recruiter API',
      version: '1',
      description:
        'Configure candidate journeys and see every application through the candidate\u2019s eyes. Every route needs `Authorization: Bearer <api key>`; a key belongs to one tenant and sees only that tenant\u2019s data. Errors are `{ "error": { "code", "message", "details"? } }`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    tags: [{ name: 'journeys' }, { name: 'assignments' }, { name: 'applications' }, { name: 'consent' }, { name: 'analytics', description: 'The promise in figures: per journey, version, job and date range, with CSV' }, { name: 'alerts', description: 'Recruiter alerts: list, acknowledge, resolve (they reach the recruiter by e-mail, digest, Slack webhook and escalation)' }, { name: 'surveys', description: 'The candidate\u2019s status page: their verdicts, and revoking its links' }, { name: 'questions', description: 'Candidates\u2019 questions to a person and the recruiters\u2019 answers' }, { name: 'outbox', description: 'The sandbox provider\u2019s messages (no Twilio or SendGrid configured)' }, { name: 'admin', description: 'Operators only: needs `Authorization: Bearer <CANDOR_ADMIN_KEY>`; answers 404 `admin_disabled` when the server has no operator key' }],
    paths: {
      '/api/v1/journeys': {
        get: { tags: ['journeys'], summary: 'List your journeys and the shipped defaults', responses: { ...ok('Journeys'), ...errors(401) } },
        post: { tags: ['journeys'], summary: 'Create a journey from a definition (saved as its draft)', requestBody: definitionBody, responses: { '201': { description: 'Created' }, ...errors(400, 401, 409, 422) } },
      },
      '/api/v1/journeys/validate': {
        post: { tags: ['journeys'], summary: 'Validate a definition without saving it', requestBody: definitionBody, responses: { ...ok('`{ ok: true, definition, warnings: [{ path, message }] }` (warnings: SMS forms over two segments or missing) or `{ ok: false, errors: [{ path, message }] }`'), ...errors(400, 401) } },
      },
      '/api/v1/journeys/{journeyId}': {
        get: { tags: ['journeys'], summary: 'A journey: draft, latest published version, shipped default', parameters: [journeyId], responses: { ...ok('The journey'), ...errors(400, 401, 404) } },
      },
      '/api/v1/journeys/{journeyId}/draft': {
        put: { tags: ['journeys'], summary: 'Create or replace the draft (validated; the promise checks included)', parameters: [journeyId], requestBody: definitionBody, responses: { ...ok('Updated'), '201': { description: 'Created' }, ...errors(400, 401, 422) } },
      },
      '/api/v1/journeys/{journeyId}/publish': {
        post: {
          tags: ['journeys'],
          summary: 'Publish the draft as the next version. Only the version is stored: no running journey is signalled; each open journey on this journey takes it at its next stage change',
          parameters: [journeyId],
          responses: {
            '201': {
              description:
                '`{ journeyId, version, label, publishedAt, runningJourneys: { following, upgradesAt: "next-stage-change" } }`: `following` counts your open journeys on this journey (the board), which move to this version when their stage next changes',
            },
            ...errors(400, 401, 404, 409),
          },
        },
      },
      '/api/v1/journeys/{journeyId}/versions': {
        get: { tags: ['journeys'], summary: 'Published versions, newest first', parameters: [journeyId], responses: { ...ok('Versions'), ...errors(400, 401, 404) } },
      },
      '/api/v1/journeys/{journeyId}/versions/{version}': {
        get: {
          tags: ['journeys'],
          summary: 'One published version with its definition',
          parameters: [journeyId, { name: 'version', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: { ...ok('The version'), ...errors(400, 401, 404) },
        },
      },
      '/api/v1/journeys/{journeyId}/diff': {
        get: {
          tags: ['journeys'],
          summary: 'What changed between two versions (a number, `draft` or `shipped`)',
          parameters: [
            journeyId,
            { name: 'from', in: 'query', required: true, schema: { oneOf: [{ type: 'integer' }, { enum: ['draft', 'shipped'] }] } },
            { name: 'to', in: 'query', schema: { oneOf: [{ type: 'integer' }, { enum: ['draft', 'shipped'] }], default: 'draft' } },
          ],
          responses: { ...ok('`{ changes: [{ path, change: added|removed|changed, from, to }] }`'), ...errors(400, 401, 404) },
        },
      },
      '/api/v1/journeys/{journeyId}/simulate': journeyTool(
        'Run the draft (or `definition`) over a scripted candidate timeline: every message in the candidate\u2019s local time, alerts, the longest silence',
        'SimulationRequest',
        'The candidate\u2019s-eye timeline',
      ),
      '/api/v1/journeys/{journeyId}/preview': journeyTool('Render one template with sample data, as the candidate would read it', 'PreviewRequest', '`{ template, path, locale, subject, body }`'),
      '/api/v1/journey-assignments': {
        get: { tags: ['assignments'], summary: 'Which journey each job follows, and the tenant default', responses: { ...ok('Assignments'), ...errors(401) } },
      },
      '/api/v1/journey-assignments/default': {
        put: { tags: ['assignments'], summary: 'Set the tenant default journey (must be published)', requestBody: { required: true, content: json(ref('Assignment')) }, responses: { ...ok('Assigned'), ...errors(400, 401, 422) } },
        delete: { tags: ['assignments'], summary: 'Remove the tenant default (the shipped defaults apply)', responses: { '204': { description: 'Removed' }, ...errors(401, 404) } },
      },
      '/api/v1/journey-assignments/jobs/{jobId}': {
        put: { tags: ['assignments'], summary: 'Assign a published journey to an ATS job', parameters: [jobId], requestBody: { required: true, content: json(ref('Assignment')) }, responses: { ...ok('Assigned'), ...errors(400, 401, 422) } },
        delete: { tags: ['assignments'], summary: 'Remove a job\u2019s assignment (the tenant default applies)', parameters: [jobId], responses: { '204': { description: 'Removed' }, ...errors(400, 401, 404) } },
      },
      '/api/v1/applications': {
        get: {
          tags: ['applications'],
          summary: 'Open applications, longest waiting first (from the board each journey keeps current)',
          description:
            'Each item: `{ applicationId, candidateName, jobTitle, atsUrl, recruiterName, stage, status, paused, waitingSince, startedAt, timeZone, locale, journeyId, definitionVersion, lastMessage: { template, channel, at } | null, nextMessage: { template, dueAt } | null, sla, openAlerts, alertReasons }`. `total` counts every match; pass `nextCursor` as `cursor` for the next page (`null` on the last one).',
          parameters: [
            { name: 'stage', in: 'query', schema: { enum: ['applied', 'screening', 'interview', 'offer', 'hired', 'rejected', 'withdrawn'] } },
            { name: 'waitingSinceBefore', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'Only candidates who last heard from us (or applied) before this time' },
            { name: 'sla', in: 'query', schema: { enum: ['breached', 'ok'] }, description: '`breached`: an open recruiter alert; `ok`: none' },
            { name: 'q', in: 'query', schema: { type: 'string', maxLength: 200 }, description: 'Words each match has: the start of a word of the candidate\u2019s name or the job title (any case, accents ignored), or of the stage' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'The previous page\u2019s `nextCursor`' },
          ],
          responses: { ...ok('`{ applications: [{ applicationId, stage, status, paused, waitingSince, startedAt, timeZone, locale, lastMessage, nextMessage, sla, openAlerts, alertReasons }], total, truncated, nextCursor }`'), ...errors(400, 401, 503) },
        },
      },
      '/api/v1/applications/{applicationId}': {
        get: {
          tags: ['applications'],
          summary: 'Status and full timeline: every event, decision and message with due, sent and delivered times. Served from the store the journey keeps (no workflow query); journeys that have not written it yet are asked themselves',
          parameters: [
            applicationId,
            { name: 'source', in: 'query', schema: { enum: ['workflow'] }, description: '`workflow`: ask the running journey itself (workflow queries), for diagnosis; slower, and 503 when its worker does not answer in time' },
          ],
          responses: {
            ...ok('`{ applicationId, workflowId, source: "store" | "workflow", status, timeline }` (`source`: where the answer came from)'),
            ...errors(400, 401, 404, 503),
          },
        },
      },
      '/api/v1/applications/{applicationId}/pause': { post: { tags: ['applications'], summary: 'Hold stage messages and follow-ups (the promise still holds)', parameters: [applicationId], responses: actionResponses } },
      '/api/v1/applications/{applicationId}/resume': { post: { tags: ['applications'], summary: 'Send what was held and carry on', parameters: [applicationId], responses: actionResponses } },
      '/api/v1/applications/{applicationId}/send-now': {
        post: {
          tags: ['applications'],
          summary: 'Send one of the journey\u2019s messages now',
          parameters: [applicationId],
          requestBody: { required: true, content: json({ type: 'object', required: ['template'], properties: { template: { type: 'string', examples: ['status.update'] } } }) },
          responses: actionResponses,
        },
      },
      '/api/v1/outbox': {
        get: {
          tags: ['outbox'],
          summary: 'What the sandbox provider sent, exactly as each candidate reads it, newest first (sent at, then message id and channel)',
          description:
            'Each message: `{ messageId, applicationId, channel, to, locale, template, subject?, from? and replyTo? (e-mail, as its headers show them), text, length? (SMS), html?, headers?, sentAt }`. Pass `nextCursor` as `cursor` for the next page (`null` on the last one): paging returns every message once. Like the board and timelines, it waits its turn behind a few other reads and answers 503 `busy` with Retry-After when too many wait.',
          parameters: [
            { name: 'applicationId', in: 'query', schema: { type: 'string' }, description: 'Only this application\u2019s messages' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'The previous page\u2019s `nextCursor`, unchanged (any other value answers 400)' },
          ],
          responses: { ...ok('`{ messages: [{ messageId, applicationId, channel, to, locale, template, subject, text, length, html, headers, sentAt }], nextCursor }`'), ...errors(400, 401, 503) },
        },
      },
      '/api/v1/analytics': {
        get: {
          tags: ['analytics'],
          summary: 'The promise in figures for applications whose journey started in [from, to): time to acknowledgement, longest silence against maxSilence, closing messages, messages per stage and channel, delivery failures and fallbacks, replies, survey scores and the stage funnel. Computed from what journeys stored, never by asking them',
          description: 'Times in milliseconds, shares 0-1 (null when there is nothing to divide). Percentiles are nearest-rank. A message counts when a provider took it, at the time it was dispatched on that channel. The longest silence is the largest gap, in whole business days of the candidate\u2019s calendar, between the start, each message that reached them and the end (completion, or now while open); kept when it is at most the version\u2019s `maxSilence`. `charts=svg` adds `charts`: the console\u2019s bar charts as SVG text.',
          parameters: analyticsParameters,
          responses: { ...ok('`{ scope, applications, acknowledgement: { acknowledged, notYet, p50Ms, p95Ms, buckets }, silence: { measured, kept, keptShare, buckets }, closing: { closed, withClosingMessage, share }, messages: [{ stage, channel, count }], delivery: [{ channel, sent, failed, fallbacks }], replies: { replied, rate }, survey: { responses, averageScore, scores }, funnel: [{ stage, entered, left, medianMs, averageMs }], charts? }`'), ...errors(400, 401) },
        },
      },
      '/api/v1/analytics.csv': {
        get: {
          tags: ['analytics'],
          summary: 'The same figures as CSV: one line per figure (section, key, metric, value)',
          parameters: analyticsParameters,
          responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401) },
        },
      },
      '/api/v1/surveys': {
        get: {
          tags: ['surveys'],
          summary: 'The candidates\u2019 verdicts on the process (1-5 and a comment, asked once on their status page after the journey closed), per journey version or per job',
          description: 'Each group: `{ key (the version label or job id), journeyId (by version), responses, averageScore, scores: [count of 1, …, count of 5], lowScores (1 or 2; each raised a low-survey-score alert), comments: the latest 5 }`. An erased candidate\u2019s comment is gone, the score stays.',
          parameters: [{ name: 'by', in: 'query', schema: { type: 'string', enum: ['version', 'job'], default: 'version' } }],
          responses: { ...ok('`{ by, groups: [{ key, journeyId?, responses, averageScore, scores, lowScores, comments: [{ score, comment, answeredAt }] }] }`'), ...errors(400, 401) },
        },
      },
      '/api/v1/alerts': {
        get: {
          tags: ['alerts'],
          summary: 'Recruiter alerts by state (open: neither acknowledged nor resolved), newest first, with the candidate\u2019s name and job',
          parameters: [
            { name: 'state', in: 'query', schema: { type: 'string', enum: ['open', 'acknowledged', 'resolved', 'all'], default: 'open' } },
            { name: 'applicationId', in: 'query', schema: { type: 'string' } },
            { name: 'reason', in: 'query', schema: { type: 'string', example: 'max-silence,waiting' }, description: 'Only these kinds, comma-separated: max-silence, waiting, all-channels-failed, no-contact, details-missing, unanswered-question, low-survey-score, reschedule-requested, accessibility-needs' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          ],
          responses: {
            ...ok('`{ alerts: [{ alertId, applicationId, candidateName, jobTitle, atsUrl, reason, days, raisedAt, acknowledgedAt, resolvedAt, escalatedAt }], counts: { open, acknowledged, resolved } }` (counts of the tenant, or of `applicationId`, whatever the other filters)'),
            ...errors(400, 401),
          },
        },
      },
      '/api/v1/alerts/{alertId}/acknowledge': {
        post: {
          tags: ['alerts'],
          summary: 'Acknowledge an alert (someone is on it: it leaves the board\u2019s SLA breach and the open list; it still escalates until resolved)',
          parameters: [{ name: 'alertId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { ...ok('The alert'), ...errors(401, 404) },
        },
      },
      '/api/v1/alerts/{alertId}/resolve': {
        post: {
          tags: ['alerts'],
          summary: 'Resolve an alert (also acknowledges it); a resolved alert is never sent, digested or escalated again',
          parameters: [{ name: 'alertId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { ...ok('The alert'), ...errors(401, 404) },
        },
      },
      '/api/v1/questions': {
        get: {
          tags: ['questions'],
          summary: 'The recruiters\u2019 inbox: candidates\u2019 questions (SMS and e-mail replies, the status page\u2019s form), newest first, per tenant or per application',
          description: 'Each question: `{ questionId, applicationId, source (sms|email|page), text, askedAt, answerBy (when the journey alerts if unanswered: answerWithin business hours), recruiterName, answer, answeredBy, answeredAt }`. Erasure removes an application\u2019s questions and answers.',
          parameters: [
            { name: 'applicationId', in: 'query', schema: { type: 'string' } },
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['open', 'answered', 'all'], default: 'all' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          ],
          responses: { ...ok('`{ questions: [...] }`'), ...errors(400, 401) },
        },
      },
      '/api/v1/questions/{questionId}/answer': {
        post: {
          tags: ['questions'],
          summary: 'Answer a question, once: the journey sends the answer to the candidate on the channel they asked on (through the ledger, once) and both timelines show it',
          parameters: [{ name: 'questionId', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: json({ type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1, maxLength: 4000 }, by: { type: 'string', description: 'Who answers (signs the message); default the recruiter named on the application' } } }) },
          responses: { ...ok('`{ question, sending }` (sending: false when the journey could not be told, e.g. it has ended)'), ...errors(400, 401, 404, 409) },
        },
      },
      '/api/v1/applications/{applicationId}/interview-slots': {
        post: {
          tags: ['applications'],
          summary: 'Offer interview slots for one interview of an application; the journey invites the candidate to choose one on their status page (interview.slotsOffered)',
          description: 'A slot id is the tenant\u2019s: the same id offered to several applications is one slot, and only one candidate can book it (the others are told it is gone and see what is left). Offering a slot again changes nothing (200); the same id with other times is a 409. The ATS can offer slots with the event `ats.interview.slots_offered` instead.',
          parameters: [applicationId],
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              required: ['interviewId', 'slots'],
              properties: {
                interviewId: { type: 'string', description: 'The id the booked interview keeps (as in ats.interview.* events)' },
                slots: {
                  type: 'array', minItems: 1, maxItems: 50,
                  items: { type: 'object', required: ['id', 'start', 'end'], properties: { id: { type: 'string' }, start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' }, location: { type: 'string' }, link: { type: 'string', format: 'uri' } } },
                },
              },
            }),
          },
          responses: { '201': { description: '`{ applicationId, interviewId, added, slots }` (new offers)' }, ...ok('The same, when every slot was offered before (nothing new; the candidate is not invited again)'), ...errors(400, 401, 404, 409) },
        },
        get: {
          tags: ['applications'],
          summary: 'What the candidate did about their interview: each slot offered (free, yours: booked by them, taken: booked by another candidate), their requests for another time with notes, their accessibility needs, whether they withdrew',
          description: 'The only place the candidate\u2019s note and accessibility needs can be read: they are stored sealed, never in journey events, histories or logs, and erasure deletes them. `{ applicationId, slots: [{ slotId, interviewId, start, end, location, link, status }], rescheduleRequests: [{ requestId, interviewId, note, requestedAt }], accessibilityNeeds: { text, updatedAt } | null, withdrawn }`',
          parameters: [applicationId],
          responses: { ...ok('See the description'), ...errors(400, 401, 404) },
        },
      },
      '/api/v1/status-links/{applicationId}/revoke': {
        post: {
          tags: ['surveys'],
          summary: 'Revoke every status-page link of an application at once (they then answer 410 expired); the next message that links the page carries a new one',
          parameters: [applicationId],
          responses: { ...ok('`{ applicationId, revoked }` (how many links were current)'), ...errors(400, 401) },
        },
      },
      '/api/v1/consent/status': {
        post: { tags: ['consent'], summary: 'Whether a contact has opted out of a channel (the contact travels in the body, never the URL)', requestBody: { required: true, content: json(ref('Contact')) }, responses: { ...ok('`{ channel, optedOut, source?, optedOutAt? }`'), ...errors(400, 401) } },
      },
      '/api/v1/consent/opt-out': {
        post: { tags: ['consent'], summary: 'Opt a contact out of a channel; the very next message on it is not sent', requestBody: { required: true, content: json(ref('Contact')) }, responses: { ...ok('`{ channel, optedOut: true }`'), ...errors(400, 401) } },
      },
      '/api/v1/consent/opt-in': {
        post: { tags: ['consent'], summary: 'Remove a contact\u2019s opt-out of a channel', requestBody: { required: true, content: json(ref('Contact')) }, responses: { ...ok('`{ channel, optedOut: false }`'), ...errors(400, 401) } },
      },
      '/api/v1/erasures': {
        post: {
          tags: ['consent'],
          summary: 'Erase a candidate: end their journeys (no further contact; the journey publishes journey.completed with outcome erased), delete their personal data from the store (opt-outs kept as pseudonyms) and, once each journey has ended, every run of its history',
          requestBody: { required: true, content: json(ref('Erasure')) },
          responses: { '202': { description: '`{ erasureId, journeys: [{ applicationId, journey: ended|not-running }], deleted: { outboxMessages, inboundMessages, ledgerEntriesRedacted, unsubscribeTokens, optOutsPseudonymised } }`' }, ...errors(400, 401) },
        },
      },
      '/admin/v1/tenants': {
        get: { tags: ['admin'], security: admin, summary: 'Operator: every tenant with its number of usable API keys', responses: { ...ok('`{ tenants: [{ id, name, createdAt, activeKeys }] }`'), ...errors(401, 404) } },
        post: {
          tags: ['admin'],
          security: admin,
          summary: 'Operator: create a tenant (`id`: lowercase letters, digits and dashes, up to 63; `name`: its display name)',
          requestBody: { required: true, content: json({ type: 'object', required: ['id', 'name'], additionalProperties: false, properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }, name: { type: 'string', minLength: 1, maxLength: 200 } } }) },
          responses: { '201': { description: '`{ tenant, webhooks }`' }, ...errors(400, 401, 404, 409) },
        },
      },
      '/admin/v1/tenants/{tenantId}': {
        get: { tags: ['admin'], security: admin, summary: 'Operator: a tenant with its keys (never the keys themselves), adapters (never their secrets) and webhook URLs', parameters: [tenantId], responses: { ...ok('`{ tenant, keys, adapters, webhooks }`'), ...errors(400, 401, 404) } },
      },
      '/admin/v1/tenants/{tenantId}/keys': {
        get: { tags: ['admin'], security: admin, summary: 'Operator: a tenant\u2019s API keys: id, prefix, label, created, revoked, replaced by', parameters: [tenantId], responses: { ...ok('`{ keys }`'), ...errors(400, 401, 404) } },
        post: {
          tags: ['admin'],
          security: admin,
          summary: 'Operator: create an API key; the full key is in this answer only (Candor keeps its hash)',
          parameters: [tenantId],
          requestBody: { required: false, content: json({ type: 'object', additionalProperties: false, properties: { label: { type: 'string', maxLength: 100 } } }) },
          responses: { '201': { description: '`{ id, key, prefix, label, createdAt, revokedAt: null }`' }, ...errors(400, 401, 404) },
        },
      },
      '/admin/v1/tenants/{tenantId}/keys/{keyId}/rotate': {
        post: { tags: ['admin'], security: admin, summary: 'Operator: replace a key with a new one (same label); the old key is refused from now on', parameters: [tenantId, keyId], responses: { '201': { description: '`{ id, key, …, replaces }` (the key is shown once)' }, ...errors(400, 401, 404, 409) } },
      },
      '/admin/v1/tenants/{tenantId}/keys/{keyId}/revoke': {
        post: { tags: ['admin'], security: admin, summary: 'Operator: revoke a key at once', parameters: [tenantId, keyId], responses: { ...ok('The key, with revokedAt'), ...errors(400, 401, 404) } },
      },
      '/admin/v1/tenants/{tenantId}/adapters': {
        get: { tags: ['admin'], security: admin, summary: 'Operator: a tenant\u2019s ATS adapters with their config and webhook URL (never the secret)', parameters: [tenantId], responses: { ...ok('`{ adapters: [{ provider, config, secretStorage, webhookUrl, createdAt, updatedAt }] }`'), ...errors(400, 401, 404) } },
      },
      '/admin/v1/tenants/{tenantId}/adapters/{provider}': {
        put: {
          tags: ['admin'],
          security: admin,
          summary: 'Operator: create or change an ATS adapter: its signing secret (stored encrypted, never answered) and config (stage mapping, Lever archive reasons, default locale and time zone); a field left out keeps its current value',
          parameters: [tenantId, provider],
          requestBody: { required: true, content: json(ref('AdapterSettings')) },
          responses: { ...ok('Updated'), '201': { description: 'Created' }, ...errors(400, 401, 404) },
        },
        delete: { tags: ['admin'], security: admin, summary: 'Operator: remove an ATS adapter (its webhook URL answers 404 from then on)', parameters: [tenantId, provider], responses: { '204': { description: 'Removed' }, ...errors(400, 401, 404) } },
      },
      '/admin/v1/tenants/{tenantId}/alert-settings': {
        get: { tags: ['admin'], security: admin, summary: 'Operator: how a tenant\u2019s recruiter alerts are delivered', parameters: [tenantId], responses: { ...ok('`{ tenant, delivery, digestHour, slackWebhook (whether one is set), fallbackEmail, escalateAfterMinutes }`'), ...errors(400, 401, 404) } },
        put: {
          tags: ['admin'],
          security: admin,
          summary: 'Operator: alerts at once or as a daily digest (`delivery`, `digestHour` UTC), a Slack-compatible incoming webhook (`slackWebhookUrl`, stored sealed), the fallback address and the minutes after which an unresolved alert escalates to it; a field left out keeps its value, null clears it',
          parameters: [tenantId],
          requestBody: { required: true, content: json({ type: 'object', properties: { delivery: { enum: ['immediate', 'digest'] }, digestHour: { type: 'integer', minimum: 0, maximum: 23 }, slackWebhookUrl: { type: ['string', 'null'] }, fallbackEmail: { type: ['string', 'null'] }, escalateAfterMinutes: { type: ['integer', 'null'], minimum: 5, maximum: 43200 } } }) },
          responses: { ...ok('The settings, as GET shows them'), ...errors(400, 401, 404) },
        },
      },
      '/admin/v1/tenants/{tenantId}/branding': {
        get: { tags: ['admin'], security: admin, summary: 'Operator: what candidates see of a tenant: its stored branding settings (null: not set) and what messages use', parameters: [tenantId], responses: { ...ok('`{ tenant, settings: { displayName, logoUrl, accentColour, sendingDomain }, effective: { displayName, logoUrl?, accentColour?, sendingDomain? } }`'), ...errors(400, 401, 404) } },
        put: {
          tags: ['admin'],
          security: admin,
          summary: 'Operator: set the display name candidates read, an https logo, an accent colour dark enough for links on white (4.5:1) and the sending domain authenticated with the e-mail provider; a field left out keeps its value, null clears it',
          parameters: [tenantId],
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              additionalProperties: false,
              properties: {
                displayName: { type: ['string', 'null'], minLength: 1, maxLength: 100 },
                logoUrl: { type: ['string', 'null'], format: 'uri', pattern: '^https://' },
                accentColour: { type: ['string', 'null'], pattern: '^#[0-9a-fA-F]{6}$' },
                sendingDomain: { type: ['string', 'null'] },
              },
            }),
          },
          responses: { ...ok('The same as GET'), ...errors(400, 401, 404) },
        },
      },
      '/admin/v1/tenants/{tenantId}/webhooks': {
        get: { tags: ['admin'], security: admin, summary: 'Operator: the URLs to give each ATS vendor (PUBLIC_URL + /webhooks/ats/{provider}/{tenant}) and the shared messaging provider webhooks', parameters: [tenantId], responses: { ...ok('`{ tenant, ats: [{ provider, url, configured, signing }], providers: [{ name, url }] }`'), ...errors(400, 401, 404) } },
      },
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'Your tenant\u2019s API key (`cnd_…`)' },
        adminKey: { type: 'http', scheme: 'bearer', description: 'The operator key, CANDOR_ADMIN_KEY (`cndadm_…` when generated by `npm start`)' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
              },
            },
          },
        },
        Contact: {
          type: 'object',
          required: ['channel', 'contact'],
          properties: { channel: { enum: ['email', 'sms'] }, contact: { type: 'string', description: 'An e-mail address, or a phone number in E.164 form' } },
        },
        Erasure: {
          type: 'object',
          required: ['candidateId', 'applicationIds'],
          properties: {
            candidateId: { type: 'string' },
            applicationIds: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 100 },
            contacts: { type: 'object', properties: { email: { type: 'string' }, phone: { type: 'string' } } },
          },
        },
        Assignment: { type: 'object', required: ['journeyId'], properties: { journeyId: { type: 'string' } } },
        ApplicationStatus: { type: 'object', properties: { applicationId: { type: 'string' }, status: { type: 'object' } } },
        JourneyDefinition: schema(JourneyDefinition),
        AdapterSettings: schema(SetAdapter),
        SimulationRequest: schema(SimulationRequest),
        PreviewRequest: schema(PreviewRequest),
      },
    },
  };
}
