import { createChart, type IChartApi, type UTCTimestamp } from 'lightweight-charts';
import { formatDateTime } from '@/format/date-format';
import { formatMoney, localeOf } from '@/format/number-format';
import type { usePrefsStore } from '@/stores/prefs';

/**
 * A chart of the Statistiques page in the page's theme (read from the CSS variables of the current theme), dates in
 * the user's zone and money in their language.
 */
export function statsChart(el: HTMLElement, prefs: ReturnType<typeof usePrefsStore>): IChartApi {
  const style = getComputedStyle(document.documentElement);
  return createChart(el, {
    width: el.clientWidth,
    height: el.clientHeight,
    layout: { background: { color: 'transparent' }, textColor: style.getPropertyValue('--text-muted').trim() },
    grid: { vertLines: { color: 'rgba(128,128,128,0.12)' }, horzLines: { color: 'rgba(128,128,128,0.12)' } },
    timeScale: { timeVisible: true },
    rightPriceScale: { minimumWidth: 90 },
    localization: {
      locale: localeOf(prefs.language),
      timeFormatter: (time: UTCTimestamp) => formatDateTime(time * 1000, prefs.language, prefs.displayTimezone),
      priceFormatter: (price: number) => formatMoney(price.toFixed(2), 'USDT', prefs.language, { code: false }),
    },
  });
}
