import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './support';

describe('smoke', () => {
	it('runs in a real VS Code extension host whose version satisfies the engine, with the views contributed', async () => {
		const ext = vscode.extensions.getExtension(EXTENSION_ID);
		assert.ok(ext, 'the extension under test is loaded');
		const engine = /^\^(\d+)\.(\d+)/.exec((ext.packageJSON as { engines: { vscode: string } }).engines.vscode);
		const host = /^(\d+)\.(\d+)/.exec(vscode.version);
		assert.ok(engine && host, `${vscode.version} / engine`);
		assert.ok(Number(host[1]) > Number(engine[1]) || (Number(host[1]) === Number(engine[1]) && Number(host[2]) >= Number(engine[2])), `VS Code ${vscode.version} satisfies ${engine[0]}`);
		// The view container and view are real: focusing the view activates the extension.
		await vscode.commands.executeCommand('sdrs.protectionGroups.focus');
		assert.ok(ext.isActive);
		console.log(`VS Code ${vscode.version} (${vscode.env.appName})`);
	});
});
