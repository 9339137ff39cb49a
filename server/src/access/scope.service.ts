import { Injectable } from '@nestjs/common';
import { type AccountSummary, OWNER_ROLES, reportsOf, type ScopeFilters } from '@pulse/domain';
import type { LiveError, Topic } from '@pulse/protocol';
import { forbidden } from '../api/api-errors.js';
import { ViewsService } from '../views/views.service.js';
import type { Caller } from './caller.js';

/** Why a request is outside the caller's scope: the filter (or `view`) at fault and a message. */
export interface ScopeRefusal {
  field: string;
  message: string;
}

/**
 * What each caller may see (issue 10, DESIGN.md §6), asked by the REST controllers, the live
 * socket and any other code ("which accounts may this caller see"):
 * - admin, and API tokens: everything;
 * - manager: the books of everyone below them in the management chain (and their own);
 * - cse, csm, csa, ae, rm: their own book (accounts where they are one of the owners);
 * - display: the views and filters its token is bound to, nothing else.
 *
 * A team view asked wider than the scope is refused, never silently narrowed: the answer always
 * matches the filters in the URL (the web app narrows the URL to the person's book before asking).
 */
@Injectable()
export class ScopeService {
  constructor(private readonly views: ViewsService) {}

  /** Whether the caller sees every account. */
  seesEverything(caller: Caller): boolean {
    return caller.role === 'admin' || caller.role === 'service';
  }

  /** The people whose books make up a person's scope (themselves and, for a manager, their chain). */
  peopleOf(caller: Caller): Set<string> {
    if (!caller.memberId) return new Set();
    const people = new Set([caller.memberId]);
    if (caller.role === 'manager') {
      for (const report of reportsOf(caller.memberId, this.views.teamMembers())) people.add(report.id);
    }
    return people;
  }

  /** The filters of a person's own book: where "my book" lands, and what a view must stay within. */
  homeFilters(caller: Caller): ScopeFilters {
    if (this.seesEverything(caller) || !caller.memberId) return caller.display?.filters ?? {};
    return caller.role === 'manager' ? { manager: caller.memberId } : { owner: caller.memberId };
  }

  /** Whether the caller may see this account (any of its owners is in their scope). */
  maySeeAccount(caller: Caller, summary: Pick<AccountSummary, 'owners'>): boolean {
    if (this.seesEverything(caller)) return true;
    if (caller.kind !== 'person') return false;
    const people = this.peopleOf(caller);
    return OWNER_ROLES.some((role) => {
      const owner = summary.owners[role];
      return owner !== null && people.has(owner);
    });
  }

  /** Whether the caller may see the account with this id (false for unknown accounts too). */
  maySeeAccountId(caller: Caller, accountId: string): boolean {
    if (this.seesEverything(caller)) return true;
    const summary = this.views.summaryOf(accountId);
    return summary !== undefined && this.maySeeAccount(caller, summary);
  }

  /** The accounts of a list the caller may see. */
  visible<T extends Pick<AccountSummary, 'owners'>>(caller: Caller, summaries: readonly T[]): T[] {
    if (this.seesEverything(caller)) return [...summaries];
    return summaries.filter((summary) => this.maySeeAccount(caller, summary));
  }

  /** Null when the caller may see this view with these filters; else what widens it. */
  refuseView(caller: Caller, view: string, filters: ScopeFilters): ScopeRefusal | null {
    if (caller.display && !caller.display.views.includes(view)) {
      return { field: 'view', message: `this wall display shows ${caller.display.views.join(', ')} only` };
    }
    return this.refuseFilters(caller, filters);
  }

  /** Null when these filters stay within the caller's scope; else the filter that widens it. */
  refuseFilters(caller: Caller, filters: ScopeFilters): ScopeRefusal | null {
    if (this.seesEverything(caller)) return null;
    if (caller.display) {
      for (const [key, value] of Object.entries(caller.display.filters)) {
        if (filters[key as keyof ScopeFilters] !== value) {
          return { field: key, message: `this wall display is bound to ${key}=${value}` };
        }
      }
      return null;
    }
    if (!caller.memberId) return { field: 'view', message: 'no team member to scope the view to' };
    const people = this.peopleOf(caller);
    for (const field of ['owner', 'manager'] as const) {
      const id = filters[field];
      if (id !== undefined && !people.has(id)) {
        return { field, message: `${field} '${id}' is outside your scope (${this.describe(caller)})` };
      }
    }
    if (filters.owner === undefined && filters.manager === undefined) {
      const [field, id] = Object.entries(this.homeFilters(caller))[0] ?? ['owner', caller.memberId];
      return {
        field,
        message: `the whole organisation is outside your scope (${this.describe(caller)}): add ${field}=${id}`,
      };
    }
    return null;
  }

  /** REST's form of refuseView: a view wider than the caller's scope is 403, naming the filter. */
  assertView(caller: Caller, view: string, filters: ScopeFilters): void {
    const refusal = this.refuseView(caller, view, filters);
    if (refusal) throw forbidden(`${refusal.field}: ${refusal.message}`, refusal.field);
  }

  /** Null when the caller may watch the topic; else the `forbidden` error of its subscribe. */
  refuseTopic(caller: Caller, topic: Topic): LiveError | null {
    const refuse = (message: string): LiveError => ({ code: 'forbidden', message });
    switch (topic.kind) {
      case 'team': {
        const refusal = this.refuseView(caller, topic.team, topic.filters);
        return refusal && refuse(`team:${topic.team}: ${refusal.message}`);
      }
      case 'account':
        if (caller.kind === 'display') return refuse('a wall display shows no account pages');
        return this.maySeeAccountId(caller, topic.accountId)
          ? null
          : refuse(`account '${topic.accountId}' is outside your scope`);
      case 'renewals': {
        // Scoped like a team view: a person's renewals are those of their book.
        const refusal = this.refuseView(caller, 'renewals', topic.filters);
        return refusal && refuse(`renewals: ${refusal.message}`);
      }
      case 'changes': {
        // The feed of a team view's scope: whoever may see a view with these filters sees its moves.
        const refusal = this.refuseFilters(caller, topic.filters);
        return refusal && refuse(`changes: ${refusal.message}`);
      }
    }
  }

  private describe(caller: Caller): string {
    return caller.role === 'manager' ? 'your reports’ books' : 'your own book';
  }
}
