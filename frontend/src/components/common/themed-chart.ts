import { createChart, type IChartApi, type UTCTimestamp } from 'lightweight-charts';
import { formatDateTime } from '@/format/date-format';
import { formatChartPrice, formatMoney, localeOf } from '@/format/number-format';
import type { usePrefsStore } from '@/stores/prefs';

type Prefs = ReturnType<typeof usePrefsStore>;

/** Prices on a chart's scale: money in USDT by default, or a market's prices (`'price'`) at their magnitude. */
export type ChartValues = 'money' | 'price';

/**
 * A chart in the page's theme (read from the CSS variables of the current theme), its crosshair's date in the user's
 * zone and its scale's numbers in their language, as the rest of the page writes them.
 */
export function themedChart(el: HTMLElement, prefs: Prefs, values: ChartValues = 'money'): IChartApi {
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
      priceFormatter:
        values === 'price'
          ? (price: number) => formatChartPrice(price, prefs.language)
          : (price: number) => formatMoney(price.toFixed(2), 'USDT', prefs.language, { code: false }),
    },
  });
}
