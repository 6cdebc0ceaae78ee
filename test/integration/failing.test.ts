// Runs only with SDRS_TEST_FAIL=1: proves that a failing extension-host test turns the run red.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('deliberately failing (SDRS_TEST_FAIL=1)', () => {
	it('fails inside the real extension host', () => {
		assert.equal(vscode.env.appName, 'this is not the app name');
	});
});
