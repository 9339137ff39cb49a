import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { getLiveClient } from '../live/client.js';

/** State of the one socket, for the "Reconnecting…" banner (topics carry their own status). */
export const useConnectionStore = defineStore('connection', () => {
  const socket = getLiveClient().socket;
  const connected = ref(socket.connected);
  const everConnected = ref(socket.connected);
  const lastChange = ref(Date.now());

  socket.on('connect', () => {
    connected.value = true;
    everConnected.value = true;
    lastChange.value = Date.now();
  });
  socket.on('disconnect', () => {
    connected.value = false;
    lastChange.value = Date.now();
  });

  /** Lost a connection we had: the client is retrying and will resync every topic. */
  const reconnecting = computed(() => everConnected.value && !connected.value);
  return { connected, everConnected, reconnecting, lastChange };
});
