import type { Queryable } from './database';

/** A score at or below this raises a recruiter alert (`low-survey-score`). */
export const LOW_SURVEY_SCORE = 2;

/** One candidate's answer, with what it is grouped by. */
export interface SurveyAnswer {
  tenant: string;
  applicationId: string;
  journeyId: string;
  definitionVersion: string;
  jobId: string | undefined;
  outcome: string | undefined;
  score: number;
  comment: string | undefined;
}

/** Records the answer unless the application has one already (asked once); true when this one was stored. */
export async function recordSurveyAnswer(db: Queryable, answer: SurveyAnswer): Promise<boolean> {
  const { rows } = await db.query(
    `insert into candidate_surveys (tenant_id, application_id, journey_id, definition_version, job_id, outcome, score, comment)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (tenant_id, application_id) do nothing returning 1`,
    [answer.tenant, answer.applicationId, answer.journeyId, answer.definitionVersion, answer.jobId ?? null, answer.outcome ?? null, answer.score, answer.comment ?? null],
  );
  return rows.length > 0;
}

/** Whether the application's candidate has answered. */
export async function hasSurveyAnswer(db: Queryable, tenant: string, applicationId: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from candidate_surveys where tenant_id = $1 and application_id = $2', [tenant, applicationId]);
  return rows.length > 0;
}

/** The answers of one group: how many, the mean score, how many gave each score 1-5, how many were low. */
export interface SurveyGroup {
  /** The journey version (`default-sv@v2`) or the job id (null: applications whose job was not known). */
  key: string | null;
  journeyId?: string;
  responses: number;
  averageScore: number;
  /** scores[i]: answers with score i + 1. */
  scores: [number, number, number, number, number];
  lowScores: number;
  /** The latest comments (up to 5), newest first; erased candidates' comments are gone. */
  comments: { score: number; comment: string; answeredAt: string }[];
}

/** A tenant's survey results per journey version or per job, most answers first. */
export async function surveyResults(db: Queryable, tenant: string, by: 'version' | 'job'): Promise<SurveyGroup[]> {
  const key = by === 'version' ? 'definition_version' : 'job_id';
  const { rows } = await db.query<{ key: string | null; journey_id: string; responses: number; average: number; s1: number; s2: number; s3: number; s4: number; s5: number; comments: unknown }>(
    `select ${key} as key, min(journey_id) as journey_id, count(*)::int as responses, round(avg(score)::numeric, 2)::float8 as average,
       count(*) filter (where score = 1)::int as s1, count(*) filter (where score = 2)::int as s2, count(*) filter (where score = 3)::int as s3,
       count(*) filter (where score = 4)::int as s4, count(*) filter (where score = 5)::int as s5,
       (select coalesce(jsonb_agg(jsonb_build_object('score', c.score, 'comment', c.comment, 'answeredAt', c.answered_at) order by c.answered_at desc), '[]'::jsonb)
          from (select score, comment, answered_at from candidate_surveys c where c.tenant_id = $1 and c.${key} is not distinct from s.${key} and c.comment is not null
                order by answered_at desc limit 5) c) as comments
     from candidate_surveys s where tenant_id = $1 group by ${key} order by count(*) desc, ${key}`,
    [tenant],
  );
  return rows.map((r) => {
    const scores: SurveyGroup['scores'] = [Number(r.s1), Number(r.s2), Number(r.s3), Number(r.s4), Number(r.s5)];
    const comments = (typeof r.comments === 'string' ? JSON.parse(r.comments) : r.comments) as { score: number; comment: string; answeredAt: string }[];
    return {
      key: r.key,
      ...(by === 'version' ? { journeyId: r.journey_id } : {}),
      responses: Number(r.responses),
      averageScore: Number(r.average),
      scores,
      lowScores: scores.slice(0, LOW_SURVEY_SCORE).reduce((a, b) => a + b, 0),
      comments: comments.map((c) => ({ score: Number(c.score), comment: c.comment, answeredAt: new Date(c.answeredAt).toISOString() })),
    };
  });
}
