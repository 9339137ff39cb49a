import { describe, expect, it } from 'vitest';
import {
  filterProblem,
  renewalDaysNote,
  unknownPersonProblem,
  wallViewsProblem,
} from '../src/format/urlProblems.js';

describe('what was wrong in the address, in words', () => {
  it('names a region that does not exist, lists the real ones, and offers all regions', () => {
    expect(filterProblem('csm', { region: 'mars' } as never)).toEqual({
      message: 'There is no region “mars”: choose AMER, EMEA, APAC or Public sector.',
      fix: { label: 'Show all regions', query: { region: undefined } },
    });
  });

  it('says nothing about filters the view accepts', () => {
    expect(filterProblem('cse', { region: 'emea', tier: 'signature', owner: 'tm-001' })).toBeNull();
  });

  it('names the owner the server found nobody for, when the people list knows', () => {
    const problem = unknownPersonProblem({ owner: 'tm-999', manager: 'tm-002' }, (id) => id !== 'tm-999');
    expect(problem.message).toBe('No owner has the id “tm-999” in this organisation.');
    expect(problem.fix.query).toEqual({ owner: undefined });
  });

  it('shows the default window for days it cannot serve, and says so', () => {
    expect(renewalDaysNote({ days: '-5' })).toEqual({
      message: '“-5” is not a number of days from 1 to 730, so this shows the next 180 days.',
      fix: { label: 'Use 180 days', query: { days: '180' } },
    });
    expect(renewalDaysNote({ days: 'soon' })?.message).toMatch(/^“soon” is not a number of days/);
  });

  it('says which served window covers days between windows, and nothing for a served one', () => {
    expect(renewalDaysNote({ days: '100' })?.message).toBe(
      'Renewal windows are 30, 60, 90, 120, 180, 365 or 730 days; the 120-day window shown covers the 100 days asked for.',
    );
    expect(renewalDaysNote({ days: '90' })).toBeNull();
    expect(renewalDaysNote({})).toBeNull();
  });

  it('names wall views it does not know and what the wall shows instead', () => {
    expect(wallViewsProblem(['nope'], ['cse', 'csm', 'csa', 'renewals'], ['csm'])).toEqual({
      message: '“nope” is not a wall view: choose from cse, csm, csa or renewals. Showing CSM.',
      fix: { label: 'Show csm only', query: { views: 'csm' } },
    });
    expect(wallViewsProblem(['csm', 'cse'], ['cse', 'csm', 'csa', 'renewals'], ['csm', 'cse'])).toBeNull();
  });
});
