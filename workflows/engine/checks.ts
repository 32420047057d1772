/**
 * Plain checks of what reaches a journey at run time (an ATS event as the workflow maps it, a recruiter
 * action), for workflow code: the same rules as the zod schemas `AtsEvent` and `RecruiterAction` in
 * inputs.ts, written without zod so the workflow bundle stays small (every journey evaluates the modules it
 * imports). A unit test holds the two to the same verdicts.
 */
import type { AtsEvent, RecruiterAction } from './inputs';
import { ATS_EVENT_TYPES, RECRUITER_ACTIONS, STAGE_CATEGORIES, TEMPLATE_KEY_MESSAGE, TEMPLATE_KEY_PATTERN } from './vocabulary';

/** One problem: where (`interview.start`, or empty for the whole value) and what. */
export interface CheckIssue {
  path: string;
  message: string;
}

type Shape = Record<string, (value: unknown, path: string, issues: CheckIssue[]) => void>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

const oneOf =
  (options: readonly string[]) =>
  (value: unknown, path: string, issues: CheckIssue[]): void => {
    if (typeof value !== 'string' || !options.includes(value)) issues.push({ path, message: `expected one of ${options.map((o) => `"${o}"`).join('|')}` });
  };
const text =
  (min: number) =>
  (value: unknown, path: string, issues: CheckIssue[]): void => {
    if (typeof value !== 'string') issues.push({ path, message: 'expected a string' });
    else if (value.length < min) issues.push({ path, message: `expected at least ${min} character${min === 1 ? '' : 's'}` });
  };
const finite = (value: unknown, path: string, issues: CheckIssue[]): void => {
  if (typeof value !== 'number' || !Number.isFinite(value)) issues.push({ path, message: 'expected a finite number' });
};
const bool = (value: unknown, path: string, issues: CheckIssue[]): void => {
  if (typeof value !== 'boolean') issues.push({ path, message: 'expected a boolean' });
};
const optional =
  (check: (value: unknown, path: string, issues: CheckIssue[]) => void) =>
  (value: unknown, path: string, issues: CheckIssue[]): void => {
    if (value !== undefined) check(value, path, issues);
  };
/** An object with exactly these keys (a key given as undefined counts as absent, as in zod). */
const strict =
  (shape: Shape) =>
  (value: unknown, path: string, issues: CheckIssue[]): void => {
    if (!isObject(value)) {
      issues.push({ path, message: 'expected an object' });
      return;
    }
    for (const [key, check] of Object.entries(shape)) check(value[key], join(path, key), issues);
    const extra = Object.keys(value).filter((key) => !(key in shape));
    if (extra.length > 0) issues.push({ path, message: `unrecognized key${extra.length === 1 ? '' : 's'}: ${extra.map((k) => `"${k}"`).join(', ')}` });
  };
const templateKey = (value: unknown, path: string, issues: CheckIssue[]): void => {
  if (typeof value !== 'string') issues.push({ path, message: 'expected a string' });
  else if (!TEMPLATE_KEY_PATTERN.test(value)) issues.push({ path, message: TEMPLATE_KEY_MESSAGE });
};

const atsEvent = strict({
  id: text(1),
  type: oneOf(ATS_EVENT_TYPES),
  time: finite,
  stage: optional(oneOf(STAGE_CATEGORIES)),
  positionClosed: optional(bool),
  interview: optional(strict({ id: text(1), start: finite, end: optional(finite) })),
  candidate: optional(
    strict({
      timeZone: optional(text(1)),
      locale: optional(text(2)),
      consent: optional(strict({ email: optional(bool), sms: optional(bool) })),
    }),
  ),
});

const recruiterActions: Record<(typeof RECRUITER_ACTIONS)[number], Shape> = {
  pause: { action: () => undefined },
  resume: { action: () => undefined },
  sendNow: { action: () => undefined, template: templateKey },
};

/** Checks a mapped ATS event; the problems, none when it is an `AtsEvent`. */
export function checkAtsEvent(value: unknown): { ok: true; value: AtsEvent } | { ok: false; issues: CheckIssue[] } {
  const issues: CheckIssue[] = [];
  atsEvent(value, '', issues);
  return issues.length === 0 ? { ok: true, value: value as AtsEvent } : { ok: false, issues };
}

/** Checks a recruiter action; the problems, none when it is a `RecruiterAction`. */
export function checkRecruiterAction(value: unknown): { ok: true; value: RecruiterAction } | { ok: false; issues: CheckIssue[] } {
  const issues: CheckIssue[] = [];
  const action = isObject(value) ? value.action : undefined;
  const shape = typeof action === 'string' && action in recruiterActions ? recruiterActions[action as keyof typeof recruiterActions] : undefined;
  if (!shape) issues.push({ path: 'action', message: `expected one of ${RECRUITER_ACTIONS.map((o) => `"${o}"`).join('|')}` });
  else strict(shape)(value, '', issues);
  return issues.length === 0 ? { ok: true, value: value as RecruiterAction } : { ok: false, issues };
}
