/**
 * First dates of each source's history (Mexico City calendar dates). Before them a source
 * has no value, and a dated answer reports it in `errors` with code `before_history`.
 * Sources: Banxico SIE's SF43718 starts on 1991-11-12; Fixer's historical endpoint goes
 * back to 1999-01-01 (UPSTREAMS.md "Rates for a date").
 */
export const FIX_FIRST_DATE = '1991-11-12';
export const FIXER_FIRST_DATE = '1999-01-01';
