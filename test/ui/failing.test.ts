// Runs only with SDRS_TEST_FAIL=1: proves that a failing UI test turns the run red.
import * as assert from 'node:assert/strict';
import { openWorkbench, treeItem } from './workbench';

describe('deliberately failing UI test (SDRS_TEST_FAIL=1)', () => {
	it('looks for a tree item that does not exist', async () => {
		const wb = await openWorkbench();
		try {
			await wb.page.getByRole('tab', { name: /SDRS/ }).click();
			assert.equal(await treeItem(wb.page, /no-such-group/).count(), 1);
		} finally {
			await wb.close();
		}
	});
});
