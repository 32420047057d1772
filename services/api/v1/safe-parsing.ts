import type { FastifyInstance } from 'fastify';
import { parse as parseYaml, Parser, YAMLParseError } from 'yaml';
import { ApiError } from './errors';

/**
 * How deep a request body may nest (objects in arrays in objects …). A journey definition nests about 8
 * levels; the limit stops bodies whose depth would exhaust the stack of a recursive reader (the `yaml`
 * composer crashed the whole process on a 900-level document; `JSON.stringify` throws on deep values).
 */
export const MAX_NESTING = 64;

/**
 * How many nodes aliases (`*name`) may expand to in one YAML document. Billions of laughs need far more;
 * a journey that reuses a block by anchor needs far fewer.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

/** The deepest nesting of arrays and objects in JSON text, found by scanning (no recursion), stopping once past `limit`. */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Characters after which a quote starts a quoted scalar (line start, indicators, flow punctuation). */
const SCALAR_START_AFTER = new Set([0x0a, 0x3a, 0x2d, 0x3f, 0x5b, 0x7b, 0x2c]);

/**
 * A quick upper bound of a YAML text's nesting, in one pass without parsing: the depth of unclosed flow
 * brackets outside quotes and comments, plus the longest run of indentation and block indicators (`- `,
 * `? `, `: `) that opens a line. It exists because `yaml`'s own lexer and parser take seconds on a
 * megabyte of `[[[[` or `- - - -`; a text under the bound is cheap to parse exactly.
 */
export function yamlNestingBound(text: string): number {
  let flow = 0;
  let maxFlow = 0;
  let maxPrefix = 0;
  let quote = 0;
  let lineStart = true;
  let prefix = 0;
  // The last character that was not a space: a quote opens a scalar only where a scalar can start.
  let previous = 0x0a;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (quote === 0x22 && c === 0x5c) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 0x0a) {
      lineStart = true;
      prefix = 0;
      previous = 0x0a;
      continue;
    }
    if (lineStart) {
      // spaces, and "-", "?", ":" each followed by a space, all count toward this line's structural prefix
      if (c === 0x20 || ((c === 0x2d || c === 0x3f || c === 0x3a) && text.charCodeAt(i + 1) === 0x20)) {
        prefix++;
        if (prefix > maxPrefix) maxPrefix = prefix;
        if (c !== 0x20) previous = c;
        continue;
      }
      lineStart = false;
    }
    if ((c === 0x22 || c === 0x27) && SCALAR_START_AFTER.has(previous)) quote = c;
    else if (c === 0x23 && (text.charCodeAt(i - 1) === 0x20 || text.charCodeAt(i - 1) === 0x09 || previous === 0x0a)) {
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 0x0a) i++; // a comment runs to the end of its line
      continue;
    } else if (c === 0x5b || c === 0x7b) {
      if (++flow > maxFlow) maxFlow = flow;
    } else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
    if (c !== 0x20 && c !== 0x09) previous = c;
  }
  return maxFlow + maxPrefix;
}

/**
 * The deepest nesting in a YAML text, measured on the tree of `yaml`'s CST parser (which keeps its own
 * stack, so it reads any depth) by an iterative walk, before anything recursive touches the document.
 */
export function yamlNestingDepth(text: string): number {
  let max = 0;
  for (const document of new Parser().parse(text)) {
    const stack: [unknown, number][] = [[document, 0]];
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!;
      if (!node || typeof node !== 'object') continue;
      if (depth > max) max = depth;
      const { value, items } = node as { value?: unknown; items?: { key?: unknown; value?: unknown }[] };
      if (value && typeof value === 'object') stack.push([value, depth + 1]);
      if (Array.isArray(items)) {
        for (const item of items) {
          if (item.key) stack.push([item.key, depth + 1]);
          if (item.value) stack.push([item.value, depth + 1]);
        }
      }
    }
  }
  return max;
}

/**
 * Reads a YAML document sent to the API: a syntax error names its line; a document nested deeper than
 * {@link MAX_NESTING} (counted in the parser's nodes: one per level, plus the document) or whose aliases expand past
 * {@link MAX_YAML_ALIAS_COUNT} nodes is refused as `400 invalid_yaml` before it can cost more than its own size.
 */
export function parseYamlBody(text: string): unknown {
  // The bound counts columns, several per level, so it only filters out the absurd before the exact count.
  if (yamlNestingBound(text) > 8 * MAX_NESTING || yamlNestingDepth(text) > MAX_NESTING + 1) {
    throw new ApiError(400, 'invalid_yaml', `The YAML is nested too deeply (more than ${MAX_NESTING} levels)`);
  }
  try {
    return parseYaml(text, { maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0] ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
      throw new ApiError(400, 'invalid_yaml', `The YAML could not be read${where}: ${error.message.split('\n')[0]}`);
    }
    // yaml raises a ReferenceError when aliases expand past maxAliasCount (an entity-expansion attack).
    if (error instanceof ReferenceError) {
      throw new ApiError(
        400,
        'invalid_yaml',
        `The YAML's aliases (*name) expand to more than ${MAX_YAML_ALIAS_COUNT} nodes; write the repeated parts out or reuse fewer anchors`,
      );
    }
    throw error;
  }
}

/**
 * Replaces `scope`'s JSON parser with Fastify's own (same prototype-poisoning checks) behind a nesting
 * limit, so no route ever holds a value too deep to validate, store or serialise.
 */
export function installJsonBodyParser(scope: FastifyInstance): void {
  const standard = scope.getDefaultJsonParser('error', 'error');
  if (scope.hasContentTypeParser('application/json')) scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonNestingDepth(text, MAX_NESTING) > MAX_NESTING) {
      done(new ApiError(400, 'invalid_body', `The JSON body is nested too deeply (more than ${MAX_NESTING} levels)`), undefined);
      return;
    }
    void standard(request, text, done);
  });
}
