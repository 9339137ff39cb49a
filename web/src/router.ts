import {
  createRouter,
  createWebHistory,
  type RouteLocationNormalized,
  type RouteLocationRaw,
  type RouteRecordRaw,
} from 'vue-router';
import { loadMe, SIGN_IN_PATH } from './api/session.js';

// Views are loaded on demand, so the initial JS holds only the shell and the first view.
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/csm' },
  ...(['cse', 'csm', 'csa'] as const).map((view) => ({
    path: `/${view}`,
    name: view,
    component: () => import('./views/TeamView.vue'),
    props: (route: { query: Record<string, unknown> }) => ({ view, wall: route.query.wall === '1' }),
  })),
  {
    path: '/accounts/:id',
    name: 'account',
    component: () => import('./views/AccountView.vue'),
    props: true,
  },
  {
    path: '/renewals',
    name: 'renewals',
    component: () => import('./views/RenewalsView.vue'),
    props: (route) => ({ wall: route.query.wall === '1' }),
  },
  { path: '/import', name: 'import', component: () => import('./views/ImportView.vue') },
  { path: '/calibration', name: 'calibration', component: () => import('./views/CalibrationView.vue') },
  { path: '/help/kpis', name: 'kpi-help', component: () => import('./views/HelpKpisView.vue') },
  { path: '/wall', name: 'wall', component: () => import('./views/WallView.vue') },
  { path: '/alerts', name: 'alerts', component: () => import('./views/AlertRulesView.vue') },
  { path: SIGN_IN_PATH, name: 'sign-in', component: () => import('./views/SignInView.vue') },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
];

/** Views scoped by owner or manager: narrowed to a person's book when the URL names neither. */
const SCOPED_VIEWS = new Set(['cse', 'csm', 'csa', 'renewals', 'wall']);

/**
 * Every page but the sign-in page needs someone signed in. A wall's URL may carry its display
 * token once (`?token=`): it is traded for the wall's session and dropped from the address bar.
 * `/` is "my book"; a person who sees only their own book (or their reports') gets a team view
 * (or renewals) narrowed to it when the URL names no owner or manager — the server refuses wider views.
 */
export async function signedInOnly(to: RouteLocationNormalized): Promise<boolean | RouteLocationRaw> {
  if (to.name === 'sign-in') return true;
  if (to.name === 'wall' && typeof to.query.token === 'string') {
    const { token, ...query } = to.query;
    const response = await fetch('/api/auth/display', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    if (!response.ok) {
      return { name: 'sign-in', query: { error: 'This wall display token is unknown or was revoked.' } };
    }
    // The app mounts (and opens its live socket) after this first navigation, with the new session.
    return { path: to.path, query, replace: true };
  }
  let me: Awaited<ReturnType<typeof loadMe>>;
  try {
    me = await loadMe();
  } catch {
    return true; // The server is away: the page shows that itself.
  }
  if (!me) return { name: 'sign-in', query: { returnTo: to.fullPath } };
  // A guard's redirect keeps the first `redirectedFrom`: stop once at home, or `/` would loop forever.
  if (to.redirectedFrom?.path === '/' && !isAt(to, me.home)) return me.home;
  const scoped = me.kind === 'person' && me.role !== 'admin';
  if (scoped && SCOPED_VIEWS.has(String(to.name)) && !to.query.owner && !to.query.manager) {
    const home = new URL(me.home, window.location.origin);
    const narrowed = { ...to.query, ...Object.fromEntries(home.searchParams) };
    return { path: to.path, query: narrowed, replace: true };
  }
  return true;
}

/** Whether `to` is the page `href` names: its path and every query parameter of it. */
function isAt(to: RouteLocationNormalized, href: string): boolean {
  const target = new URL(href, window.location.origin);
  return (
    to.path === target.pathname && [...target.searchParams].every(([key, value]) => to.query[key] === value)
  );
}

export function createAppRouter() {
  const appRouter = createRouter({ history: createWebHistory(), routes });
  appRouter.beforeEach(signedInOnly);
  return appRouter;
}
