// What other programs on this machine can reach. The packaged extension (a production install,
// ExtensionMode.Production) gives another installed extension nothing that holds keys; and every
// code-server the tests start is behind a password (anyone on this machine can reach 127.0.0.1,
// and the workbench has a terminal).
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCodeServer, type CodeServer } from '../harness/codeServer.mjs';
import { filesUnder, openWorkbench } from './workbench';

describe('what other programs can reach', () => {
	it('another extension that activates the installed extension gets nothing that holds keys', async function () {
		this.timeout(480_000); // a shared machine: the workbench alone has taken over a minute to open
		const wb = await openWorkbench({ fixtures: ['api-probe'] });
		try {
			// The probe starts on onStartupFinished, activates SDRS Explorer and writes what it got.
			let report: string | undefined;
			for (const until = Date.now() + 240_000; !report && Date.now() < until;) {
				report = filesUnder(wb.runDir).find((f) => f.endsWith('sdrs-probe.json'));
				if (!report) {
					await new Promise((r) => setTimeout(r, 500));
				}
			}
			assert.ok(report, 'the probe extension wrote its report');
			const got = JSON.parse(readFileSync(report, 'utf8')) as {
				found: boolean;
				activated?: boolean;
				type?: string;
				keys?: string[];
				keyHolders?: string[];
				exportsType?: string;
				exportsKeyHolders?: string[];
				error?: string;
			};
			assert.equal(got.error, undefined);
			assert.equal(got.found, true, 'the probe sees the installed extension');
			assert.equal(got.activated, true, 'and activates it');
			assert.deepEqual(got.keyHolders, [], 'nothing in what activate() returns reads keys');
			assert.deepEqual(got.exportsKeyHolders, [], 'nothing in its exports reads keys');
			assert.equal(got.type, 'undefined', `activate() returns nothing in production (got ${got.type}: ${got.keys?.join(', ')})`);
			assert.equal(got.exportsType, 'undefined');
		} finally {
			await wb.close();
		}
	});

	describe('the tests’ code-server', () => {
		let runDir: string;
		let server: CodeServer;
		before(async () => {
			runDir = mkdtempSync(join(process.env.SDRS_RUN_DIR ?? tmpdir(), 'sdrs-auth-'));
			const folder = join(runDir, 'workspace');
			mkdirSync(folder, { recursive: true });
			// As the extension-host launcher starts it (the smoke-test driver on, no password given).
			server = await startCodeServer({ runDir, folder });
		});
		after(async () => {
			await server?.stop();
			if (runDir && existsSync(runDir)) {
				rmSync(runDir, { recursive: true, force: true });
			}
		});

		it('refuses the workbench and its files without the password', async () => {
			const workbench = await fetch(`${server.url}/?folder=${encodeURIComponent(join(runDir, 'workspace'))}`, { redirect: 'manual' });
			assert.equal(workbench.status, 302);
			assert.match(workbench.headers.get('location') ?? '', /login/);
			const file = await fetch(`${server.url}/vscode-remote-resource?path=${encodeURIComponent(join(runDir, 'config.yaml'))}`, { redirect: 'manual' });
			assert.ok([302, 401, 403].includes(file.status), `a file of the machine is refused (HTTP ${file.status})`);
			const wrong = await fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ password: 'not-the-password' }), redirect: 'manual' });
			assert.equal(wrong.headers.get('set-cookie'), null, 'a wrong password gets no session');
		});

		it('lets in with its random password', async () => {
			assert.ok(server.password.length >= 20, 'a random password of its own');
			const login = await fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ password: server.password }), redirect: 'manual' });
			assert.equal(login.status, 302);
			const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
			assert.match(cookie, /^code-server-session=/);
			const workbench = await fetch(`${server.url}/?folder=${encodeURIComponent(join(runDir, 'workspace'))}`, { headers: { cookie }, redirect: 'manual' });
			assert.equal(workbench.status, 200, `the workbench with the session (HTTP ${workbench.status} ${workbench.headers.get('location') ?? ''})`);
			assert.match(await workbench.text(), /<html/i);
		});
	});
});
