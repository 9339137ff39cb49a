import type { Role, TeamMember } from '@pulse/domain';
import type { TeamMembersResponse } from '@pulse/protocol';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { getJson } from '../api/http.js';

/** People of the organisation (GET /api/team-members): filter options and owner names. */
export const useTeamMembersStore = defineStore('teamMembers', () => {
  const members = shallowRef<TeamMember[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let loaded: Promise<void> | null = null;

  const byId = computed(() => new Map(members.value.map((member) => [member.id, member])));

  function load(): Promise<void> {
    loaded ??= (async () => {
      loading.value = true;
      error.value = null;
      try {
        members.value = (await getJson<TeamMembersResponse>('/api/team-members')).members;
      } catch (cause) {
        error.value = cause instanceof Error ? cause.message : String(cause);
        loaded = null; // let a later call retry
      } finally {
        loading.value = false;
      }
    })();
    return loaded;
  }

  function nameOf(id: string | null | undefined): string {
    if (!id) return '—';
    return byId.value.get(id)?.name ?? id;
  }

  function withRole(...roles: Role[]): TeamMember[] {
    return members.value
      .filter((member) => roles.includes(member.role))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  return { members, loading, error, load, nameOf, withRole };
});
