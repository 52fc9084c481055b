import { createRouter, createWebHistory } from 'vue-router';
import { useAuthStore } from '@/stores/auth';
import AppLayout from '@/components/layout/AppLayout.vue';
import LoginView from '@/views/LoginView.vue';

// Each page's code (and its heavy libraries: the code editor, the charts) loads when the page is first opened, so
// the login page and the layout stay small; the layout and the login page come with the first load.
const HeartbeatView = () => import('@/views/HeartbeatView.vue');
const ManualTradingView = () => import('@/views/ManualTradingView.vue');
const StrategiesView = () => import('@/views/StrategiesView.vue');
const BacktestView = () => import('@/views/BacktestView.vue');
const TradingBotView = () => import('@/views/TradingBotView.vue');
const WebhooksView = () => import('@/views/WebhooksView.vue');
const AccountView = () => import('@/views/AccountView.vue');
const StatisticsView = () => import('@/views/StatisticsView.vue');

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginView, meta: { public: true } },
    {
      path: '/',
      component: AppLayout,
      children: [
        { path: '', redirect: '/heartbeat' },
        { path: 'heartbeat', name: 'heartbeat', component: HeartbeatView },
        { path: 'trading-manuel', name: 'trading-manuel', component: ManualTradingView },
        { path: 'trading-bot', name: 'trading-bot', component: TradingBotView },
        { path: 'strategies', name: 'strategies', component: StrategiesView },
        { path: 'backtest', name: 'backtest', component: BacktestView },
        { path: 'webhooks', name: 'webhooks', component: WebhooksView },
        { path: 'statistiques', name: 'statistiques', component: StatisticsView },
        { path: 'compte', name: 'account', component: AccountView },
      ],
    },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  const auth = useAuthStore();
  if (!auth.checked) await auth.fetchMe();
  if (!to.meta.public && !auth.user) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if (to.name === 'login' && auth.user) return '/';
  return true;
});
