import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { VersionedDefinition } from '../../../core/journeys/default-journeys';
import { holidayCalendarProblems, resolveHolidays } from '../../../core/journeys/holidays';
import { bodyLayoutWarnings, smsFormWarnings, TemplateError } from '../../../core/messaging/templates';
import { ID_PATTERN } from '../../../workflows/shared';
import { validateDefinition, type DefinitionValidation, type JourneyDefinition } from '../../../workflows/engine';
import { diffDefinitions } from '../../../core/journeys/diff';
import { publishReach } from '../../../core/journeys/notify-published';
import { PreviewRequest, previewTemplate, templateProblems, templatesOf } from '../../../core/journeys/preview';
import { SimulationRequest, simulateJourney } from '../../../core/journeys/simulation';
import * as store from '../../../core/store/journeys';
import { tenantBranding, type Database } from '../../../core/store';
import { tenantOf } from './auth';
import { ApiError, parseRequest } from './errors';
import { parseYamlBody } from './safe-parsing';

/** What the journey routes need. */
export interface JourneyRoutesDeps {
  db: Database;
  /** The shipped default journeys (journeys/*.yaml), listed read-only next to the tenant's own. */
  shipped: Map<string, VersionedDefinition>;
}

const JOURNEY_ID = ID_PATTERN;
const JourneyParams = z.object({ journeyId: z.string().regex(JOURNEY_ID, 'expected a journey id: letters, digits, ".", "_" or "-"') });
const VersionParams = JourneyParams.extend({ version: z.coerce.number().int().min(1) });
const DiffQuery = z
  .object({
    from: z.union([z.literal('draft'), z.literal('shipped'), z.coerce.number().int().min(1)]),
    to: z.union([z.literal('draft'), z.literal('shipped'), z.coerce.number().int().min(1)]).default('draft'),
  })
  .strict();
const SimulateBody = SimulationRequest.extend({
  /** A definition to simulate instead of the stored draft (the console simulates what is being typed). */
  definition: z.unknown().optional(),
});
const PreviewBody = PreviewRequest.extend({ definition: z.unknown().optional() });

/** A definition from a JSON object or a YAML document; a parse error names its line, an alias bomb or a too-deep document is a 400. */
function definitionFromBody(body: unknown): { raw: unknown; source: string | undefined } {
  if (typeof body !== 'string') return { raw: body, source: undefined };
  return { raw: parseYamlBody(body), source: body };
}

/** Validates a definition or throws a 422 with every problem and its path. */
function validOrThrow(raw: unknown): JourneyDefinition {
  const result = checkDefinition(raw);
  if (result.ok) return result.definition;
  throw new ApiError(
    422,
    'invalid_definition',
    `The journey definition has ${result.errors.length} problem(s): ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    result.errors,
  );
}

/** The engine's validation (structure and promise) and then every message text's placeholders. */
function checkDefinition(raw: unknown): DefinitionValidation {
  const result = validateDefinition(raw);
  if (!result.ok) return result;
  const problems = [...holidayCalendarProblems(result.definition), ...templateProblems(result.definition)];
  return problems.length === 0 ? result : { ok: false, errors: problems };
}

/** Journeys, drafts, versions, diff, simulation, template preview and job assignments, all scoped to the caller's tenant. */
export function registerJourneyRoutes(scope: FastifyInstance, deps: JourneyRoutesDeps): void {
  const { db } = deps;
  const shippedById = new Map([...deps.shipped.values()].map((v) => [v.definition.id, v]));

  /** The definition a journey stands for now: its draft, else its latest version, else the shipped default of that id. */
  const currentDefinition = async (tenantId: string, journeyId: string): Promise<JourneyDefinition> => {
    const journey = await store.getJourney(db, tenantId, journeyId);
    if (journey?.draft) return validOrThrow(journey.draft);
    const latest = await store.getVersion(db, tenantId, journeyId);
    if (latest) return latest.definition;
    const shipped = shippedById.get(journeyId);
    if (shipped) return shipped.definition;
    throw new ApiError(404, 'journey_not_found', `There is no journey "${journeyId}"; list them with GET /api/v1/journeys`);
  };

  const saveDraft = async (tenantId: string, body: unknown, journeyId: string | undefined) => {
    const { raw, source } = definitionFromBody(body);
    const withId = journeyId && raw && typeof raw === 'object' && !Array.isArray(raw) && !('id' in raw) ? { ...raw, id: journeyId } : raw;
    const definition = validOrThrow(withId);
    if (!JOURNEY_ID.test(definition.id)) {
      throw new ApiError(422, 'invalid_definition', 'id must be 1-128 letters, digits, ".", "_" or "-"', [{ path: 'id', message: 'expected letters, digits, ".", "_" or "-"' }]);
    }
    if (journeyId && definition.id !== journeyId) {
      throw new ApiError(422, 'id_mismatch', `The definition's id "${definition.id}" differs from the URL's "${journeyId}"`, [{ path: 'id', message: `expected "${journeyId}"` }]);
    }
    return { definition, source };
  };

  scope.get('/journeys', async (request) => {
    const tenant = tenantOf(request);
    const own = await store.listJourneys(db, tenant.id);
    const ownIds = new Set(own.map((j) => j.id));
    const journeys = [
      ...own.map((j) => ({
        id: j.id,
        name: j.name ?? shippedById.get(j.id)?.definition.name,
        origin: 'tenant' as const,
        hasDraft: j.draft !== undefined,
        draftUpdatedAt: j.draftUpdatedAt,
        latestVersion: j.latestVersion,
        publishedAt: j.publishedAt,
        overridesShipped: shippedById.has(j.id),
      })),
      ...[...shippedById.values()]
        .filter((v) => !ownIds.has(v.definition.id))
        .map((v) => ({ id: v.definition.id, name: v.definition.name, origin: 'shipped' as const, hasDraft: false, shippedVersion: v.version, defaultLocale: v.definition.defaultLocale })),
    ].sort((a, b) => a.id.localeCompare(b.id));
    return { journeys };
  });

  scope.post('/journeys', async (request, reply) => {
    const tenant = tenantOf(request);
    const { definition, source } = await saveDraft(tenant.id, request.body, undefined);
    if (await store.getJourney(db, tenant.id, definition.id)) {
      throw new ApiError(409, 'journey_exists', `Journey "${definition.id}" already exists; update its draft with PUT /api/v1/journeys/${definition.id}/draft`);
    }
    await store.saveDraft(db, tenant.id, definition, source);
    return reply.code(201).send({ journey: await store.getJourney(db, tenant.id, definition.id) });
  });

  scope.post('/journeys/validate', async (request) => {
    const { raw } = definitionFromBody(request.body);
    const result = checkDefinition(raw);
    // Warnings do not stop a save or a publish: an SMS form over two segments, or a message without one.
    return result.ok ? { ok: true, definition: result.definition, warnings: [...(await smsFormWarnings(result.definition)), ...bodyLayoutWarnings(result.definition)] } : { ok: false, errors: result.errors };
  });

  scope.get('/journeys/:journeyId', async (request) => {
    const tenant = tenantOf(request);
    const { journeyId } = parseRequest(JourneyParams, request.params, 'path');
    const journey = await store.getJourney(db, tenant.id, journeyId);
    const shipped = shippedById.get(journeyId);
    if (!journey && !shipped) throw new ApiError(404, 'journey_not_found', `There is no journey "${journeyId}"; list them with GET /api/v1/journeys`);
    const latest = journey ? await store.getVersion(db, tenant.id, journeyId) : undefined;
    const draftSource = journey?.draft ? await store.getDraftSource(db, tenant.id, journeyId) : undefined;
    // `source`: the YAML as written (comments and all), when it was written as YAML; editors show it.
    return {
      id: journeyId,
      origin: journey ? 'tenant' : 'shipped',
      draft: journey?.draft ?? null,
      draftSource: draftSource ?? null,
      draftUpdatedAt: journey?.draftUpdatedAt ?? null,
      published: latest ? { version: latest.version, label: latest.label, publishedAt: latest.publishedAt, definition: latest.definition, source: latest.source ?? null } : null,
      shipped: shipped ? { version: shipped.version, definition: shipped.definition, source: shipped.source ?? null } : null,
    };
  });

  scope.put('/journeys/:journeyId/draft', async (request, reply) => {
    const tenant = tenantOf(request);
    const { journeyId } = parseRequest(JourneyParams, request.params, 'path');
    const { definition, source } = await saveDraft(tenant.id, request.body, journeyId);
    const { created } = await store.saveDraft(db, tenant.id, definition, source);
    return reply.code(created ? 201 : 200).send({ journey: await store.getJourney(db, tenant.id, journeyId) });
  });

  scope.post('/journeys/:journeyId/publish', async (request, reply) => {
    const tenant = tenantOf(request);
    const { journeyId } = parseRequest(JourneyParams, request.params, 'path');
    const published = await db.transaction((tx) => store.publishDraft(tx, tenant.id, journeyId));
    if (!published) {
      const exists = await store.getJourney(db, tenant.id, journeyId);
      throw exists
        ? new ApiError(409, 'no_draft', `Journey "${journeyId}" has no draft to publish; save one with PUT /api/v1/journeys/${journeyId}/draft`)
        : new ApiError(404, 'journey_not_found', `There is no journey "${journeyId}" of yours; save a draft first with PUT /api/v1/journeys/${journeyId}/draft`);
    }
    // Publishing stores the version and nothing more: no running journey is signalled (O(1) in running journeys).
    // Each takes the new version itself at its next stage change; the answer says how many will.
    const reach = await publishReach(db, tenant.id, published);
    request.log.info({ tenant: tenant.id, journeyId, version: published.version, reach }, 'journey published');
    return reply.code(201).send({ journeyId, version: published.version, label: published.label, publishedAt: published.publishedAt, runningJourneys: reach });
  });

  scope.get('/journeys/:journeyId/versions', async (request) => {
    const tenant = tenantOf(request);
    const { journeyId } = parseRequest(JourneyParams, request.params, 'path');
    if (!(await store.getJourney(db, tenant.id, journeyId))) {
      throw new ApiError(404, 'journey_not_found', `There is no journey "${journeyId}" of yours`);
    }
    const versions = await store.listVersions(db, tenant.id, journeyId);
    return { journeyId, versions: versions.map(({ version, label, publishedAt }) => ({ version, label, publishedAt })) };
  });

  scope.get('/journeys/:journeyId/versions/:version', async (request) => {
    const tenant = tenantOf(request);
    const { journeyId, version } = parseRequest(VersionParams, request.params, 'path');
    const found = await store.getVersion(db, tenant.id, journeyId, version);
    if (!found) throw new ApiError(404, 'version_not_found', `Journey "${journeyId}" has no version ${version}`);
    return found;
  });

  scope.get('/journeys/:journeyId/diff', async (request) => {
    const tenant = tenantOf(request);
    const { journeyId } = parseRequest(JourneyParams, request.params, 'path');
    const { from, to } = parseRequest(DiffQuery, request.query, 'query string');
    const side = async (which: number | 'draft' | 'shipped'): Promise<JourneyDefinition> => {
      if (which === 'shipped') {
        const shipped = shippedById.get(journeyId);
        if (!shipped) throw new ApiError(404, 'version_not_found', `"${journeyId}" is not a shipped default journey`);
        return shipped.definition;
      }
      if (which === 'draft') {
        const journey = await store.getJourney(db, tenant.id, journeyId);
        if (!journey?.draft) throw new ApiError(404, 'version_not_found', `Journey "${journeyId}" has no draft`);
        return journey.draft;
      }
      const version = await store.getVersion(db, tenant.id, journeyId, which);
      if (!version) throw new ApiError(404, 'version_not_found', `Journey "${journeyId}" has no version ${which}`);
      return version.definition;
    };
    const changes = diffDefinitions(await side(from), await side(to));
    return { journeyId, from, to, changes };
  });

  scope.post('/journeys/:journeyId/simulate', async (request) => {
    const tenant = tenantOf(request);
    const { journeyId } = parseRequest(JourneyParams, request.params, 'path');
    const body = parseRequest(SimulateBody, request.body, 'simulation request');
    const definition = body.definition !== undefined ? validOrThrow(definitionFromBody(body.definition).raw) : await currentDefinition(tenant.id, journeyId);
    // The named holiday calendar is resolved for the years from the script's start, as a journey starting then would.
    return simulateJourney(resolveHolidays(definition, body.start ? Date.parse(body.start) : Date.now()), body, { companyName: (await tenantBranding(db, tenant.id)).displayName, now: Date.now() });
  });

  scope.post('/journeys/:journeyId/preview', async (request) => {
    const tenant = tenantOf(request);
    const { journeyId } = parseRequest(JourneyParams, request.params, 'path');
    const body = parseRequest(PreviewBody, request.body, 'preview request');
    const definition = body.definition !== undefined ? validOrThrow(definitionFromBody(body.definition).raw) : await currentDefinition(tenant.id, journeyId);
    let preview;
    try {
      // As the candidate would see it: the tenant's display name, logo and accent colour.
      preview = await previewTemplate(definition, body, await tenantBranding(db, tenant.id));
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      throw new ApiError(422, 'template_error', `Template ${body.template} could not be rendered: ${error.message}`);
    }
    if (!preview) throw new ApiError(404, 'template_not_found', `Journey "${journeyId}" has no template "${body.template}"; it has ${templatesOf(definition).join(', ')}`);
    return preview;
  });

  registerAssignmentRoutes(scope, db);
}

const JobParams = z.object({ jobId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'expected an ATS job id: letters, digits, ".", "_", ":" or "-"') });
const AssignmentBody = z.object({ journeyId: z.string().regex(JOURNEY_ID, 'expected a journey id') }).strict();

/** Which journey applies to which job, and the tenant's default. New applications follow them; running journeys keep theirs. */
function registerAssignmentRoutes(scope: FastifyInstance, db: Database): void {
  const assign = async (tenantId: string, jobId: string, body: unknown) => {
    const { journeyId } = parseRequest(AssignmentBody, body, 'assignment');
    if (!(await store.getVersion(db, tenantId, journeyId))) {
      throw new ApiError(422, 'journey_not_published', `Journey "${journeyId}" has no published version; publish it before assigning it`, [{ path: 'journeyId', message: 'not published' }]);
    }
    return store.assignJourney(db, tenantId, jobId, journeyId);
  };
  const present = (a: store.JourneyAssignment) => (a.jobId === store.TENANT_DEFAULT_JOB ? { scope: 'tenant-default', journeyId: a.journeyId, updatedAt: a.updatedAt } : { scope: 'job', ...a });

  scope.get('/journey-assignments', async (request) => {
    const tenant = tenantOf(request);
    return { assignments: (await store.listAssignments(db, tenant.id)).map(present) };
  });
  scope.put('/journey-assignments/default', async (request) => {
    const tenant = tenantOf(request);
    return present(await assign(tenant.id, store.TENANT_DEFAULT_JOB, request.body));
  });
  scope.delete('/journey-assignments/default', async (request, reply) => {
    const tenant = tenantOf(request);
    if (!(await store.unassignJourney(db, tenant.id, store.TENANT_DEFAULT_JOB))) throw new ApiError(404, 'assignment_not_found', 'There is no tenant default assignment');
    return reply.code(204).send();
  });
  scope.put('/journey-assignments/jobs/:jobId', async (request) => {
    const tenant = tenantOf(request);
    const { jobId } = parseRequest(JobParams, request.params, 'path');
    return present(await assign(tenant.id, jobId, request.body));
  });
  scope.delete('/journey-assignments/jobs/:jobId', async (request, reply) => {
    const tenant = tenantOf(request);
    const { jobId } = parseRequest(JobParams, request.params, 'path');
    if (!(await store.unassignJourney(db, tenant.id, jobId))) throw new ApiError(404, 'assignment_not_found', `Job "${jobId}" has no assignment`);
    return reply.code(204).send();
  });
}
