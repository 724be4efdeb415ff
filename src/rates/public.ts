/**
 * The exchange rates: one table of rates for the whole application, the currencies it knows, the
 * conversion of amounts between them (with the rates used) and the reporting currency.
 */
export { recordExchangeRate, type RecordExchangeRateProps } from './commands/record-exchange-rate.ts';
export { setReportingCurrency } from './commands/set-reporting-currency.ts';
export { convertWith, parseRate, rateBookOf, rateText, ratesUsedBy, roundToMinor, type Conversion, type ConversionRequest, type RateBook, type RateUsed } from './conversion.ts';
export { baseCurrency, currencies, isKnownCurrency, minorUnitsOf, type CurrencyCode } from './currencies.ts';
export { ratesErrorText } from './messages/errors.ts';
export { convert, listExchangeRates, loadRates, reportingCurrencyOf, type RateFilter } from './queries/rates.ts';
export { exchangeRates, type ExchangeRate } from './schema.ts';
