import type { ScopeFilters, TeamViewKind } from '@pulse/domain';
import {
  parseTopic,
  RENEWAL_WINDOWS,
  RENEWALS_DEFAULT_DAYS,
  RENEWALS_MAX_DAYS,
  TEAM_FILTER_KEYS,
  type TeamFilterKey,
} from '@pulse/protocol';
import type { LocationQuery } from 'vue-router';
import { renewalDays, requestedRenewalDays, teamTopic } from '../live/viewTopics.js';
import { REGION_LABELS, SEGMENT_LABELS, TIER_LABELS } from './labels.js';

/**
 * What was wrong in an address, said once in words, with the change to the URL query that fixes it
 * (keys set to undefined are removed). Views show it instead of the tiles' developer errors.
 */
export interface UrlProblem {
  message: string;
  fix: { label: string; query: Record<string, string | undefined> };
}

const FILTER_NAMES: Record<TeamFilterKey, { one: string; all: string }> = {
  region: { one: 'region', all: 'all regions' },
  segment: { one: 'segment', all: 'all segments' },
  tier: { one: 'success tier', all: 'all tiers' },
  owner: { one: 'owner', all: 'all owners' },
  manager: { one: 'manager', all: 'all managers' },
};

const CHOICES: Partial<Record<TeamFilterKey, Record<string, string>>> = {
  region: REGION_LABELS,
  segment: SEGMENT_LABELS,
  tier: TIER_LABELS,
};

function listInWords(words: readonly string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function removeFilter(key: TeamFilterKey): UrlProblem['fix'] {
  return { label: `Show ${FILTER_NAMES[key].all}`, query: { [key]: undefined } };
}

/**
 * The first filter the live topic's parser refuses (each is tried alone, so the rule stays the
 * protocol's), e.g. `?region=mars`: "There is no region “mars”: choose AMER, EMEA, APAC or Public sector."
 */
export function filterProblem(view: TeamViewKind, filters: ScopeFilters): UrlProblem | null {
  for (const key of TEAM_FILTER_KEYS) {
    const value = filters[key];
    if (value === undefined || parseTopic(teamTopic(view, { [key]: value })).ok) continue;
    const choices = CHOICES[key];
    const choose = choices
      ? `: choose ${listInWords(Object.values(choices))}`
      : ': a team member is named by an id like tm-001';
    return { message: `There is no ${FILTER_NAMES[key].one} “${value}”${choose}.`, fix: removeFilter(key) };
  }
  return null;
}

/**
 * The server refused the view because an owner or manager filter names nobody (`not_found`):
 * which one, when the people list tells us; both otherwise.
 */
export function unknownPersonProblem(
  filters: ScopeFilters,
  knows: (id: string) => boolean | null,
): UrlProblem {
  for (const key of ['owner', 'manager'] as const) {
    const id = filters[key];
    if (id !== undefined && knows(id) === false) {
      return {
        message: `No ${FILTER_NAMES[key].one} has the id “${id}” in this organisation.`,
        fix: removeFilter(key),
      };
    }
  }
  return {
    message: 'The owner or manager in this address is not in this organisation.',
    fix: { label: 'Show everyone', query: { owner: undefined, manager: undefined } },
  };
}

/**
 * `days` on the renewals page: a value the server cannot serve says what was shown instead; a
 * window between the served ones says which one covers it.
 */
export function renewalDaysNote(query: LocationQuery): UrlProblem | null {
  const raw = query.days;
  if (raw === undefined || raw === null || raw === '') return null;
  const shown = renewalDays(query);
  const requested = requestedRenewalDays(query);
  if (requested === null) {
    return {
      message: `“${String(raw)}” is not a number of days from 1 to ${RENEWALS_MAX_DAYS}, so this shows the next ${RENEWALS_DEFAULT_DAYS} days.`,
      fix: { label: `Use ${RENEWALS_DEFAULT_DAYS} days`, query: { days: String(RENEWALS_DEFAULT_DAYS) } },
    };
  }
  if (requested === shown) return null;
  return {
    message: `Renewal windows are ${listInWords(RENEWAL_WINDOWS.map(String))} days; the ${shown}-day window shown covers the ${requested} days asked for.`,
    fix: { label: `Use ${shown} days`, query: { days: String(shown) } },
  };
}

/** `views=` on a wall: names it does not know, and what it shows instead. */
export function wallViewsProblem(
  requested: readonly string[],
  known: readonly string[],
  shown: readonly string[],
): UrlProblem | null {
  const unknown = requested.filter((name) => !known.includes(name));
  if (unknown.length === 0) return null;
  const quoted = listInWords(unknown.map((name) => `“${name}”`));
  return {
    message: `${quoted} ${unknown.length === 1 ? 'is not a wall view' : 'are not wall views'}: choose from ${listInWords(known)}. Showing ${listInWords(shown.map((name) => name.toUpperCase()))}.`,
    fix: { label: `Show ${shown.join(', ')} only`, query: { views: shown.join(',') } },
  };
}
