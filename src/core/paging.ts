// Reading an offset/limit list to its end, whatever the server does with the paging parameters.
// A server that ignores `offset` sends the same full page for ever; one that ignores `limit`
// sends everything every time; a broken one may invent new entries on every page. Each of these
// once ran the extension host out of memory. So: pages planned from `count` are bounded, a page
// that brings no new id ends the list, the number of requests is capped, and a stop is honoured
// between pages. One entry per id is kept, first seen first (pages read while the list changes
// overlap, and that is not a failure).
import { SdrsError } from './errors';

export interface Page<T> {
	/** The page's entries that parsed (entries without an id already dropped). */
	items: T[];
	/** How many entries the answer held: fewer than a page's worth ends the list. */
	size: number;
	/** The answer's `count`, if it was a non-negative integer. Plans pages; never ends the list. */
	count?: number;
}

export interface PagingOptions {
	pageSize: number;
	/** Requests for one list, at most (the first page included). */
	maxPages?: number;
	/** Pages planned from the first page's `count` and read at once, at most. */
	maxPlanned?: number;
	signal?: AbortSignal;
}

/** 100 full pages of 1,000 (100,000 entries, more than an SDRS account is expected to hold) and the short one that ends them. */
export const MAX_PAGES = 101;
export const MAX_PLANNED_PAGES = 50;

/**
 * Every entry of a paged list: the first page, then the pages its `count` announces (up to the
 * page that starts at `count`, which should come back short) at once, then one page at a time
 * until a short page or a page with no new id. Rejects with an `aborted` SdrsError when `signal`
 * stops it, and with a `too-large` one when full pages of new entries go on past `maxPages`
 * (a list that cannot be read to its end is not shown as if it were whole).
 */
export async function readAllPages<T extends { id: string }>(fetchPage: (offset: number) => Promise<Page<T>>, o: PagingOptions): Promise<T[]> {
	const maxPages = o.maxPages ?? MAX_PAGES;
	const seen = new Map<string, T>();
	let requests = 0;
	const read = async (offset: number): Promise<Page<T>> => {
		if (o.signal?.aborted) {
			throw new SdrsError('Stopped waiting', 'aborted');
		}
		requests++;
		return fetchPage(offset);
	};
	/** Keeps the page's new entries; true when the list may go on after it. */
	const take = (page: Page<T>): boolean => {
		let fresh = 0;
		for (const item of page.items) {
			if (!seen.has(item.id)) {
				seen.set(item.id, item);
				fresh++;
			}
		}
		return page.size >= o.pageSize && fresh > 0;
	};
	const first = await read(0);
	let more = take(first);
	let offset = o.pageSize;
	if (more && first.count !== undefined && first.count >= offset) {
		const last = Math.min(first.count, (o.maxPlanned ?? MAX_PLANNED_PAGES) * o.pageSize, (maxPages - 1) * o.pageSize);
		const offsets: number[] = [];
		for (let at = offset; at <= last; at += o.pageSize) {
			offsets.push(at);
		}
		const pages = await Promise.all(offsets.map(read));
		for (const page of pages) {
			offset += o.pageSize;
			more = take(page);
			if (!more) {
				break; // the list ended, shrank, or repeats itself: later pages are not used
			}
		}
	}
	while (more) {
		if (requests >= maxPages) {
			throw new SdrsError(`The list did not end after ${requests} pages of ${o.pageSize} entries; it was not read to its end`, 'too-large');
		}
		more = take(await read(offset));
		offset += o.pageSize;
	}
	return [...seen.values()];
}
