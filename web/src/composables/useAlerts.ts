import type { AccountMuteResponse, BellResponse } from '@pulse/protocol';
import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import { getJson, sendJson, withQuery } from '../api/http.js';
import { loadMe } from '../api/session.js';

const PERSON_KEY = 'pulse.alertsPerson';
/** The bell looks again this often (alerts are rare; a socket topic would be the next step). */
const REFRESH_MS = 15_000;

/**
 * Whose bell this is: the person signed in. An admin (or a token) may look at anyone's bell and
 * picks whom once (kept in this browser); the API is told with `?member=`.
 */
const person = ref<string | null>(null);
/** Whether this caller may pick whose bell to see. */
const pickable = ref(false);
let asked = false;

/** Asked on first use, not when this module loads: a wall trades its token for a session first. */
function askWhoIsSignedIn(): void {
  if (asked) return;
  asked = true;
  loadMe().then(
    (me) => {
      if (me?.kind === 'person' && me.role !== 'admin') {
        person.value = me.memberId;
        return;
      }
      pickable.value = true;
      person.value = localStorage.getItem(PERSON_KEY) ?? me?.memberId ?? null;
    },
    () => {
      asked = false;
    },
  );
}

export function useAlertsPerson() {
  askWhoIsSignedIn();
  function choose(id: string | null): void {
    person.value = id;
    if (id) localStorage.setItem(PERSON_KEY, id);
    else localStorage.removeItem(PERSON_KEY);
  }
  return { person, pickable, choose };
}

/** A person's recent alerts (the bell) and muting an account from there. */
export function useAlerts() {
  const bell = shallowRef<BellResponse | null>(null);
  const error = ref<string | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;

  async function refresh(): Promise<void> {
    if (!person.value) {
      bell.value = null;
      return;
    }
    try {
      bell.value = await getJson<BellResponse>(withQuery('/api/alerts', { member: person.value }));
      error.value = null;
    } catch (cause) {
      error.value = cause instanceof Error ? cause.message : String(cause);
    }
  }

  async function muteAccount(accountId: string, hours: number): Promise<AccountMuteResponse | null> {
    return sendJson<AccountMuteResponse>('PUT', `/api/accounts/${encodeURIComponent(accountId)}/mute`, {
      hours,
      member: person.value,
    });
  }

  watch(person, () => void refresh(), { immediate: true });
  timer = setInterval(() => void refresh(), REFRESH_MS);
  onScopeDispose(() => {
    if (timer) clearInterval(timer);
  });
  return { bell, error, refresh, muteAccount };
}
