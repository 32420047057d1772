import { formatPath } from '../../workflows/engine';

/** One difference between two journey definitions, located by path (`stages.applied.onEnter[0].delay`). */
export interface DefinitionChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every leaf-level difference from `a` to `b`, in document order; arrays compare by index. */
export function diffDefinitions(a: unknown, b: unknown): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  const walk = (x: unknown, y: unknown, path: PropertyKey[]): void => {
    if (x === undefined && y === undefined) return;
    if (x === undefined) return void changes.push({ path: formatPath(path), change: 'added', to: y });
    if (y === undefined) return void changes.push({ path: formatPath(path), change: 'removed', from: x });
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < Math.max(x.length, y.length); i++) walk(x[i], y[i], [...path, i]);
      return;
    }
    if (isObject(x) && isObject(y)) {
      const keys = [...Object.keys(x), ...Object.keys(y).filter((k) => !(k in x))];
      for (const key of keys) walk(x[key], y[key], [...path, key]);
      return;
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ path: formatPath(path), change: 'changed', from: x, to: y });
  };
  walk(a, b, []);
  return changes;
}
