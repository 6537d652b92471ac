import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip, Legend);

export { Chart };

/** Colours come from the theme's CSS variables so charts stay readable in light and dark. */
export function themeColors(): { text: string; muted: string; grid: string; series: string[] } {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#16191d'),
    muted: v('--muted', '#5a6472'),
    grid: v('--border', '#cfd6df'),
    series: [v('--chart-1', '#2457d6'), v('--chart-2', '#c2410c'), v('--chart-3', '#15803d'), v('--chart-4', '#7e22ce'), v('--chart-5', '#a16207')],
  };
}
