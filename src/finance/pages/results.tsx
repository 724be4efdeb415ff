import { formatNumber } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { DataTable } from '../../web/components.tsx';
import { resultsPageText } from '../messages/results-pages.ts';
import type { PublishedResult } from '../queries/results.ts';

/**
 * The results of activities as a reader sees them: each result, each of its indicators with its
 * baseline, and per year its target and its actual (computed from the public indicators once the
 * year has ended, or withheld where the indicator withholds it).
 */
export function ResultsSection({ locale, results, activityCode }: { locale: Locale; results: readonly PublishedResult[]; activityCode: (id: number) => string }) {
  const t = (key: Parameters<typeof resultsPageText.t>[1], params?: Record<string, string | number>) => resultsPageText.t(locale, key, params);
  if (results.length === 0) return <p>{t('results_none')}</p>;
  const figure = (value: number, measure: number) => (measure === 2 ? `${formatNumber(locale, value)} %` : formatNumber(locale, value));
  return (
    <>
      {results.map((result) => (
        <section>
          <h3>{result.title[locale]}</h3>
          <p class="hint">{t('result_of', { activity: activityCode(result.activityId), type: t(`type_${result.type === 1 || result.type === 2 || result.type === 3 ? result.type : 9}`) })}</p>
          {result.description && <p>{result.description[locale]}</p>}
          {result.indicators.map((indicator) => (
            <DataTable
              caption={`${indicator.title[locale]}: ${t(indicator.ascending ? 'more_is_better' : 'less_is_better')}; ${t('baseline', { year: indicator.baseline.year, value: figure(indicator.baseline.value, indicator.measure) })}`}
              rows={indicator.periods}
              columns={[
                { header: t('col_year'), cell: (period) => String(period.year) },
                { header: t('col_target'), cell: (period) => figure(period.target, indicator.measure), numeric: true },
                { header: t('col_actual'), cell: (period) => (period.actual === null ? t('actual_none') : figure(period.actual, indicator.measure)), numeric: true },
              ]}
            />
          ))}
        </section>
      ))}
    </>
  );
}
