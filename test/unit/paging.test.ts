import * as assert from 'node:assert/strict';
import { SdrsError } from '../../src/core/errors';
import { MAX_PAGES, readAllPages, type Page } from '../../src/core/paging';

/** A list served in pages of `size` from `items`, counting requests. */
function server(serve: (offset: number) => Page<{ id: string }>): { fetch: (offset: number) => Promise<Page<{ id: string }>>; offsets: number[] } {
	const offsets: number[] = [];
	return { offsets, fetch: (offset) => (offsets.push(offset), Promise.resolve(serve(offset))) };
}
const ids = (from: number, n: number): { id: string }[] => Array.from({ length: n }, (_, i) => ({ id: `g${from + i}` }));

describe('reading a paged list', () => {
	it('reads to the first short page, planning pages from count, keeping one entry per id', async () => {
		const s = server((offset) => {
			// Overlapping pages (the list moved by 5 while it was read): the repeats are dropped.
			const items = ids(Math.max(0, offset - 5), Math.max(0, Math.min(10, 25 - offset + 5)));
			return { items, size: items.length, count: 25 };
		});
		const out = await readAllPages(s.fetch, { pageSize: 10 });
		assert.deepEqual(
			out.map((x) => x.id),
			ids(0, 25).map((x) => x.id),
		);
		assert.deepEqual(s.offsets, [0, 10, 20, 30], 'the planned pages, then on until the short one');
	});

	it('reads the longest list the cap allows to its end: full pages up to the cap, then the short one', async () => {
		const total = (MAX_PAGES - 1) * 10;
		const s = server((offset) => {
			const items = ids(offset, Math.max(0, Math.min(10, total - offset)));
			return { items, size: items.length, count: total };
		});
		assert.equal((await readAllPages(s.fetch, { pageSize: 10 })).length, total);
		assert.equal(s.offsets.length, MAX_PAGES);
	});

	it('a server that invents new entries on every full page is stopped at maxPages, with an error, not a partial list', async () => {
		const s = server((offset) => ({ items: ids(offset, 10), size: 10, count: 1e9 }));
		const err = await readAllPages(s.fetch, { pageSize: 10, maxPages: 30, maxPlanned: 5 }).then(
			() => undefined,
			(e: unknown) => e,
		);
		assert.ok(err instanceof SdrsError && err.kind === 'too-large', String(err));
		assert.equal(s.offsets.length, 30);
	});

	it('stops between pages when the signal says so, with an aborted error', async () => {
		const stop = new AbortController();
		const s = server((offset) => {
			if (offset === 30) {
				stop.abort();
			}
			return { items: ids(offset, 10), size: 10 };
		});
		const err = await readAllPages(s.fetch, { pageSize: 10, signal: stop.signal }).then(
			() => undefined,
			(e: unknown) => e,
		);
		assert.ok(err instanceof SdrsError && err.kind === 'aborted', String(err));
		assert.deepEqual(s.offsets, [0, 10, 20, 30]);
	});

	it('a full page of entries already seen ends the list (a server that ignores offset)', async () => {
		const s = server(() => ({ items: ids(0, 10), size: 10, count: 10_000 }));
		const out = await readAllPages(s.fetch, { pageSize: 10, maxPlanned: 3 });
		assert.equal(out.length, 10);
		assert.deepEqual(s.offsets, [0, 10, 20, 30]);
	});
});
