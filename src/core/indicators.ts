import type { Localized } from './i18n/index.ts';
import type { Queryable } from '../db/connect.ts';

export type IndicatorPeriod = { from: Date; to: Date };

/** One figure of an indicator, for one combination of its disaggregations (e.g. month = 2025-03). */
export type IndicatorValue = { value: number; dimensions: Record<string, string> };

/**
 * The contract through which each module declares the figures it can compute. Dashboards, the
 * public portal and the annual report read only through it, so a figure is defined once.
 */
export type Indicator = {
  /** `module.name`, stable: reports cite it. */
  id: string;
  label: Localized;
  unit: Localized;
  /** How the figure is computed, in words, with the convention it follows (ICMM, ICI, SAVIX...). */
  formula: Localized;
  /** The dimensions every value carries, e.g. ['month', 'type']. */
  disaggregations: readonly string[];
  /** Filters the query understands (a subset of the disaggregations, or other keys such as `site`). */
  filters: readonly string[];
  /** `public` figures carry no personal data and may be shown to anyone. */
  visibility: 'public' | 'restricted';
  /**
   * Whether a combination of dimensions with no value counts as zero: true for a count of events,
   * which leaves empty cells out; otherwise a missing value is unknown or withheld (a children
   * count under 5), and nothing is computed from it (IATI results publish no actual then).
   */
  zeroWhenAbsent?: boolean;
  compute(db: Queryable, query: { period: IndicatorPeriod; filters: Record<string, string> }): Promise<IndicatorValue[]>;
};

export function findIndicator(indicators: readonly Indicator[], id: string): Indicator | undefined {
  return indicators.find((indicator) => indicator.id === id);
}
