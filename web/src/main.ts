import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppRouter } from './router.js';
import './styles.css';

const router = createAppRouter();
const app = createApp(App).use(createPinia()).use(router);
// Mounted once the first navigation knows who is signed in: the live socket opens with the session.
// A first navigation that failed still gets the app (its page says what went wrong).
void router
  .isReady()
  .catch(() => undefined)
  .then(() => app.mount('#app'));
