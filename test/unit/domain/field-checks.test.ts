import { describe, expect, it } from 'vitest';
import { checkedText, InputProblems, isIsoDate, type TextRule } from '../../../src/domain/index.js';
import { problemsOf } from './factories.js';

function check(value: string, rule: TextRule): string {
  const problems = new InputProblems();
  const text = checkedText(problems, 'reason', value, rule);
  problems.throwIfAny();
  return text;
}

describe('the one check of a client’s text', () => {
  it('trims, and keeps combining marks, emoji and quotes as they are', () => {
    expect(check('  Zoë ́🧗🏽‍♀️ "O\'Brien"; -- ', { max: 50 })).toBe('Zoë ́🧗🏽‍♀️ "O\'Brien"; --');
  });

  it.each([
    ['empty', '', 'must not be empty'],
    ['blank', ' \t ', 'must not be blank'],
    ['too long', 'x'.repeat(11), 'must be at most 10 characters (it has 11)'],
    ['a NUL', 'a\u0000', 'must not contain control characters or line breaks'],
    ['an escape', '\u001b[2J', 'must not contain control characters or line breaks'],
    ['a line break in a single-line text', 'a\nb', 'must not contain control characters or line breaks'],
    ['an unpaired surrogate', 'a\ud800', 'contains an invalid character (an unpaired surrogate)'],
  ])('refuses %s', (_, value, message) => {
    expect(problemsOf(() => check(value, { max: 10 }))).toEqual([{ field: 'reason', message }]);
  });

  it('lets multiline text hold line breaks and tabs, but no other control character', () => {
    expect(check('one\n\ttwo', { max: 10, multiline: true })).toBe('one\n\ttwo');
    expect(problemsOf(() => check('one\u0000', { max: 10, multiline: true }))).toEqual([
      { field: 'reason', message: 'must not contain control characters other than line breaks and tabs' },
    ]);
  });

  it('counts code points, as PostgreSQL counts characters', () => {
    expect(check('😀'.repeat(10), { max: 10 })).toHaveLength(20);
  });

  it('takes blank for "none" only where the rule says so', () => {
    expect(check('   ', { max: 10, blankMeansNone: true })).toBe('');
  });
});

describe('calendar dates', () => {
  it('start at 0001-01-01: PostgreSQL has no year 0', () => {
    expect(isIsoDate('0001-01-01')).toBe(true);
    expect(isIsoDate('0000-12-31')).toBe(false);
    expect(isIsoDate('9999-12-31')).toBe(true);
  });
});
