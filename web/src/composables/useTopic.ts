import type { LiveError, TopicStatus, TopicStream } from '@pulse/protocol';
import {
  type ComputedRef,
  computed,
  type MaybeRefOrGetter,
  onScopeDispose,
  type Ref,
  ref,
  type ShallowRef,
  shallowRef,
  toValue,
  watch,
} from 'vue';
import { getLiveClient } from '../live/client.js';

export type StreamStatus = TopicStatus;

export interface TopicHandle<S> {
  /** Latest state of the topic (replaced, never mutated, on every change); undefined until the snapshot. */
  state: ShallowRef<S | undefined>;
  status: Ref<StreamStatus>;
  /** ISO commit time of the newest change included: the data age shown on tiles. */
  at: Ref<string | null>;
  seq: Ref<number>;
  error: Ref<LiveError | null>;
  /** No state yet and no error: show a skeleton. */
  loading: ComputedRef<boolean>;
  /** Drops the stream and subscribes again (the error state's retry button). */
  retry: () => void;
}

/**
 * Watches one topic of the live client. `key` may change (filters in the URL): the old topic is
 * released and the new one subscribed. Released when the calling component or scope goes away.
 */
export function useTopic<S>(key: MaybeRefOrGetter<string | null>): TopicHandle<S> {
  const client = getLiveClient();
  const state = shallowRef<S | undefined>(undefined);
  const status = ref<StreamStatus>('connecting');
  const at = ref<string | null>(null);
  const seq = ref(0);
  const error = ref<LiveError | null>(null);
  let current: { topic: string; stream: TopicStream<S>; stop: () => void } | null = null;

  function release(): void {
    if (!current) return;
    current.stop();
    client.unsubscribe(current.topic);
    current = null;
  }

  function attach(topic: string | null): void {
    release();
    state.value = undefined;
    at.value = null;
    seq.value = 0;
    error.value = null;
    status.value = 'connecting';
    if (topic === null) return;
    const stream = client.subscribe<S>(topic);
    const apply = (): void => {
      const view = stream.view;
      state.value = view.state;
      status.value = view.status;
      at.value = view.at;
      seq.value = view.seq;
      error.value = view.error;
    };
    current = { topic, stream, stop: stream.onChange(apply) };
    apply();
  }

  watch(() => toValue(key), attach, { immediate: true });
  onScopeDispose(release);

  return {
    state,
    status,
    at,
    seq,
    error,
    loading: computed(() => state.value === undefined && status.value !== 'error'),
    retry: () => attach(toValue(key)),
  };
}
