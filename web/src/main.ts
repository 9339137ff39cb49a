import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppRouter } from './router.js';
import './styles.css';

const router = createAppRouter();
const app = createApp(App).use(createPinia()).use(router);
// Mounted once the first navigation knows who is signed in: the live socket opens with the session.
void router.isReady().then(() => app.mount('#app'));
