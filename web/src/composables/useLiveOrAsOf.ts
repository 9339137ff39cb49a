import type { LiveError } from '@pulse/protocol';
import { computed, type MaybeRefOrGetter, type Ref, toValue } from 'vue';
import { useAsOf } from './useAsOf.js';
import { useRest } from './useRest.js';
import { type TopicHandle, useTopic } from './useTopic.js';

export interface LiveOrAsOfHandle<S> extends TopicHandle<S> {
  /** The day shown, or null while live. */
  asOf: Ref<string | null>;
}

/**
 * A view's data: its live topic, or — with `?asOf=` in the URL — the REST view as of that day.
 * Live updates are paused while a past day is shown: the topic is released, nothing streams.
 */
export function useLiveOrAsOf<S>(
  topic: MaybeRefOrGetter<string | null>,
  restPathAsOf: (asOf: string) => string | null,
): LiveOrAsOfHandle<S> {
  const { asOf } = useAsOf();
  const live = useTopic<S>(() => (asOf.value ? null : toValue(topic)));
  const past = useRest<S>(() => (asOf.value ? restPathAsOf(asOf.value) : null));
  const pastError = computed<LiveError | null>(() => {
    const message = past.error.value;
    if (message === null) return null;
    // getJson's message starts with the status: 404 names nothing, 400 is a refused asOf or filter.
    const code = message.startsWith('404')
      ? 'not_found'
      : message.startsWith('400')
        ? 'invalid_topic'
        : 'internal';
    return { code, message };
  });
  const either = <T>(whenPast: () => T, whenLive: () => T) =>
    computed(() => (asOf.value ? whenPast() : whenLive()));
  return {
    asOf,
    state: either(
      () => past.data.value ?? undefined,
      () => live.state.value,
    ) as unknown as TopicHandle<S>['state'],
    status: either(
      () => (past.error.value ? 'error' : 'live'),
      () => live.status.value,
    ) as unknown as TopicHandle<S>['status'],
    at: either(
      () => null,
      () => live.at.value,
    ) as Ref<string | null>,
    seq: live.seq,
    error: either(
      () => pastError.value,
      () => live.error.value,
    ) as Ref<LiveError | null>,
    loading: computed(() =>
      asOf.value ? past.loading.value && past.data.value === null : live.loading.value,
    ),
    retry: () => (asOf.value ? past.reload() : live.retry()),
  };
}
