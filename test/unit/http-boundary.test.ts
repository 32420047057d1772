import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonNestingDepth, MAX_NESTING, parseYamlBody, yamlNestingBound, yamlNestingDepth } from '../../services/api/v1/safe-parsing';
import { accessLogRequest } from '../../core/logger';

describe('nesting limits for request bodies', () => {
  it('counts JSON nesting outside strings, escapes included', () => {
    expect(jsonNestingDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonNestingDepth('{"text":"[[[[{{{{ \\" [[[["}')).toBe(1);
    expect(jsonNestingDepth('['.repeat(1000), 64)).toBe(65);
  });

  it('bounds YAML nesting without parsing, ignoring brackets in quotes and comments', () => {
    expect(yamlNestingBound("a: 'x [[[[ y'\nb: \"[[[[\" # [[[[\nc: [1, [2]]")).toBe(2);
    // An apostrophe inside a plain scalar opens no quote, so the brackets after it still count.
    expect(yamlNestingBound(`a: don't\nb: ${'['.repeat(600)}`)).toBeGreaterThan(8 * MAX_NESTING);
    expect(yamlNestingBound('- '.repeat(600) + 'x')).toBeGreaterThan(8 * MAX_NESTING);
  });

  it('lets the shipped journeys through: their nesting is far below the limits', () => {
    for (const name of ['default-en.yaml', 'default-sv.yaml']) {
      const text = readFileSync(join(__dirname, '..', '..', 'journeys', name), 'utf8');
      expect([name, yamlNestingBound(text) <= 8 * MAX_NESTING, yamlNestingDepth(text) <= MAX_NESTING]).toEqual([name, true, true]);
      expect(parseYamlBody(text)).toMatchObject({ id: name.replace('.yaml', '') });
    }
  });

  it('reads anchors and aliases a definition may reasonably use', () => {
    expect(parseYamlBody('base: &hi { en: { body: Hi } }\none: *hi\ntwo: *hi')).toEqual({ base: { en: { body: 'Hi' } }, one: { en: { body: 'Hi' } }, two: { en: { body: 'Hi' } } });
  });
});

describe('access log request lines', () => {
  it('show the route and the path without query string, credentials, e-mails or token-like segments', () => {
    expect(accessLogRequest({ method: 'GET', url: '/unsubscribe?token=abc&email=a%40b.se', routeOptions: { url: '/unsubscribe' } })).toEqual({ method: 'GET', route: '/unsubscribe', path: '/unsubscribe' });
    expect(accessLogRequest({ method: 'GET', url: '/s/tok123/x?y=1', params: { token: 'tok123', id: 'x' }, routeOptions: { url: '/s/:token/:id' } })).toEqual({ method: 'GET', route: '/s/:token/:id', path: '/s/[REDACTED]/x' });
    expect(accessLogRequest({ method: 'GET', url: '/api/v1/journeys/default-en', params: { journeyId: 'default-en' }, routeOptions: { url: '/api/v1/journeys/:journeyId' } }).path).toBe('/api/v1/journeys/default-en');
    expect(accessLogRequest({ method: 'GET', url: '/x/jane%40example.com/eyJhbGciOiJIUzI1NiJ9abc123def456' }).path).toBe('/x/[REDACTED]/[REDACTED]');
  });
});
