import * as echarts from 'echarts';
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Locale } from '../core/i18n/index.ts';
import { formatNumber } from '../core/i18n/format.ts';
import { frame } from './messages.ts';

/** Okabe–Ito: categorical colours that people with colour-vision deficiencies can tell apart. */
export const okabeIto = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000'] as const;

export type ChartSeries = { name: string; values: number[] };

/**
 * A bar chart drawn to SVG on the server (echarts' server-side renderer): the same picture in the
 * page, the HTML report and the PDF, with no script in the browser.
 */
export function renderBarChart(options: {
  locale: Locale;
  categories: string[];
  series: ChartSeries[];
  stacked?: boolean;
  width?: number;
  height?: number;
  unit?: string;
}): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: options.width ?? 720, height: options.height ?? 320 });
  const format = (value: number) => formatNumber(options.locale, value, { maximumFractionDigits: 1 });
  chart.setOption({
    animation: false,
    color: [...okabeIto],
    textStyle: { fontFamily: 'system-ui, sans-serif', color: '#0b0c0c' },
    grid: { left: 64, right: 16, top: options.series.length > 1 ? 40 : 16, bottom: 40 },
    legend: options.series.length > 1 ? { top: 0, data: options.series.map((s) => s.name) } : undefined,
    xAxis: { type: 'category', data: options.categories, axisLabel: { color: '#0b0c0c' } },
    yAxis: { type: 'value', axisLabel: { color: '#0b0c0c', formatter: (value: number) => format(value) }, name: options.unit, nameTextStyle: { color: '#505a5f' } },
    series: options.series.map((s) => ({ type: 'bar', name: s.name, data: s.values, stack: options.stacked ? 'total' : undefined })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/**
 * A chart as UI.md asks: a title, one sentence that says what it shows, the picture, its data
 * one click away, and where the figures come from.
 */
export function ChartFrame(props: {
  locale: Locale;
  title: string;
  message: string;
  svg: string;
  table: { columns: string[]; rows: (string | number)[][] };
  source: string;
}): Child {
  return (
    <figure class="chart">
      <h3>{props.title}</h3>
      <p>{props.message}</p>
      <div role="img" aria-label={props.message}>
        {raw(props.svg)}
      </div>
      <details>
        <summary>{frame.t(props.locale, 'show_data')}</summary>
        <div class="table-wrap">
          <table>
            <caption>{props.title}</caption>
            <thead>
              <tr>
                {props.table.columns.map((column, i) => (
                  <th scope="col" class={i > 0 ? 'num' : undefined}>
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.table.rows.map((row) => (
                <tr>
                  {row.map((cell, i) => (
                    <td class={i > 0 ? 'num' : undefined}>{typeof cell === 'number' ? formatNumber(props.locale, cell) : cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <figcaption class="hint">{frame.t(props.locale, 'source', { source: props.source })}</figcaption>
    </figure>
  );
}
