/** A month written `YYYY-MM`, from January 2000 (the programme keeps no older figures). */
export const isMonth = (value: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(value) && value >= '2000-01';
