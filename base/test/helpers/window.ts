// Records for slidingWindow tests: an id and a cursor `at`, read from cursor 0.
export interface AtRow {
  id: number;
  at: number;
}

/** slidingWindow's options for AtRow records, from cursor 0. */
export const fromZeroByAt = { from: 0, cursor: (r: AtRow) => r.at, id: (r: AtRow) => r.id };
