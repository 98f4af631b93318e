// Records for slidingWindow tests: an id and a cursor `at`, read from cursor 0.
export interface AtRow {
  id: number;
  at: number;
}

/** slidingWindow's options for AtRow records, from cursor 0. */
export const fromZeroByAt = { from: 0, cursor: (r: AtRow) => r.at, id: (r: AtRow) => r.id };

/** Page `page` (from 1) of `size` rows among those with a cursor from `from` on, put in `order` first. */
export const pageFrom = (rows: AtRow[], from: number, page: number, size: number, order = (r: AtRow[]) => r) =>
  order(rows.filter((r) => r.at >= from)).slice((page - 1) * size, page * size);
