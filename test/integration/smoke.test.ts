import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('smoke', () => {
	it('runs in a real VS Code extension host', () => {
		assert.ok(vscode.version.length > 0);
		console.log(`VS Code ${vscode.version} (${vscode.env.appName})`);
	});
});
