import { describe, expect, it } from 'vitest';
import { applySuggestion, complete, plainWords, quoteValue, tokenize } from './filterCompletion';

const known = { action: ['member.role.update', 'workspace.deploy'], resource_type: ['workspace', 'api_key'], actor_name: ["Dana O'Brien", 'GitHub push'] };
const labels = (src: string, caret = src.length) => complete(src, caret, undefined, known, new Date('2026-03-04T10:00:00Z')).suggestions.map((s) => s.label);

/** Types `src`, accepts the suggestion labelled `label`, returns the new text. */
function accept(src: string, label: string, caret = src.length): string {
  const c = complete(src, caret, undefined, known);
  const s = c.suggestions.find((x) => x.label === label);
  if (!s) throw new Error(`no ${label} in ${c.suggestions.map((x) => x.label).join(', ')}`);
  return applySuggestion(src, c, s).text;
}

describe('filter completion', () => {
  it('offers fields at the start and after and/or/not/(', () => {
    expect(labels('')).toContain('action');
    expect(labels('')).toContain('not');
    expect(labels("status = 'failure' and ")).toContain('resource_type');
    expect(labels("status = 'failure' or (")).toContain('actor_type');
    expect(labels('not ')).toContain('workspace');
  });
  it('narrows fields by the word being typed, ignoring case', () => {
    expect(labels('act')).toEqual(['action', 'actor_type', 'actor_id', 'actor_name', 'actor_email']);
    expect(labels('RESOURCE_')).toEqual(['resource_type', 'resource_id', 'resource_name']);
  });
  it('offers the operators of the field kind after a field', () => {
    expect(labels('action ')).toEqual(expect.arrayContaining(['=', 'like', 'ilike', 'in (…)', 'is null']));
    expect(labels('status ')).toEqual(['=', '!=', 'in (…)', 'not in (…)', 'is null', 'is not null']);
    expect(labels('occurred_at ')).toEqual(expect.arrayContaining(['>=', '<']));
    expect(labels('occurred_at ')).not.toContain('like');
    expect(labels('metadata ')).toContain("->>'key'");
    expect(labels('action not ')).toEqual(['like', 'ilike', 'in (']);
    expect(labels('workspace is ')).toEqual(['null', 'not null']);
    expect(labels('workspace is not ')).toEqual(['null']);
  });
  it('offers the known values of the field after an operator, quoted', () => {
    expect(labels('action = ')).toEqual(["'member.role.update'", "'workspace.deploy'"]);
    expect(labels('resource_type != ')).toEqual(["'workspace'", "'api_key'"]);
    expect(labels('actor_name = ')).toEqual(["'Dana O''Brien'", "'GitHub push'"]);
    expect(labels("action = 'work")).toEqual(["'workspace.deploy'"]);
    expect(labels('action like ')).toContain("'member.role.update'");
  });
  it('offers enum values and time shapes without known values', () => {
    expect(labels('actor_type = ')).toEqual(["'user'", "'api_key'", "'system'", "'webhook'"]);
    expect(labels('status in (')).toEqual(["'success'", "'failure'"]);
    expect(labels("status in ('success', ")).toEqual(["'success'", "'failure'"]);
    expect(labels("status in ('success' ")).toEqual([',', ')']);
    expect(labels('occurred_at >= ')).toEqual(["now() - interval '1 hour'", "now() - interval '1 day'", "now() - interval '7 days'", "now() - interval '30 days'", "'2026-03-04'"]);
  });
  it('offers and/or after a complete condition', () => {
    expect(labels("status = 'failure' ")).toEqual(['and', 'or']);
    expect(labels('workspace is null ')).toEqual(['and', 'or']);
    expect(labels("(status = 'failure') ")).toEqual(['and', 'or']);
    expect(labels("status = 'failure' a")).toEqual(['and']);
  });
  it('completes at the caret, not at the end of the text', () => {
    const src = "action  and status = 'failure'";
    expect(complete(src, 7, undefined, known).suggestions.map((s) => s.label)).toContain('=');
    expect(accept(src, '=', 7)).toBe("action = and status = 'failure'");
    // Completing a field in the middle replaces only the word being typed.
    expect(accept("sta and action = 'x'", 'status', 3)).toBe("status and action = 'x'");
  });
  it('builds a whole filter by accepting suggestions', () => {
    let s = accept('', 'action');
    expect(s).toBe('action ');
    s = accept(s, '=');
    s = accept(s, "'workspace.deploy'");
    expect(s).toBe("action = 'workspace.deploy' ");
    s = accept(s, 'and');
    s = accept(s + 'actor_t', 'actor_type');
    s = accept(s, 'in (…)');
    expect(s).toBe("action = 'workspace.deploy' and actor_type in (");
    s = accept(s, "'webhook'");
    expect(s).toBe("action = 'workspace.deploy' and actor_type in ('webhook' ");
  });
  it('says nothing for a word that is already complete or unknown', () => {
    expect(labels('status')).toEqual([]);
    expect(labels('bogus ')).toEqual([]);
  });
  it('quotes values as the language wants', () => {
    expect(quoteValue("O'Brien")).toBe("'O''Brien'");
    expect(tokenize("a = 'it''s' and")).toMatchObject([{ value: 'a' }, { value: '=' }, { type: 'string', value: "it's", open: false }, { value: 'and' }]);
    expect(tokenize("a = 'open")[2]).toMatchObject({ type: 'string', open: true, value: 'open' });
  });
});

describe('plain words', () => {
  it('recognises words that are not a filter', () => {
    expect(plainWords('deploy')).toBe('deploy');
    expect(plainWords('  grace hopper ')).toBe('grace hopper');
    expect(plainWords('prod-eu')).toBe('prod-eu');
  });
  it('leaves filters (even broken ones) alone', () => {
    expect(plainWords('')).toBeNull();
    expect(plainWords("status = 'failure'")).toBeNull();
    expect(plainWords('status')).toBeNull();
    expect(plainWords('Action like')).toBeNull();
    expect(plainWords('not deploy')).toBeNull();
    expect(plainWords("deploy'")).toBeNull();
    expect(plainWords("metadata->>'a'")).toBeNull();
  });
});
