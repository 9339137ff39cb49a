import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';

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
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
];

export function createAppRouter() {
  return createRouter({ history: createWebHistory(), routes });
}
