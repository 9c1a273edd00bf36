/** Guards for loading every page of a list: a server that repeats a cursor must not loop forever. */

/** More pages than any real list has: 100,000 items at 100 a page. */
export const MAX_PAGES = 1000;
