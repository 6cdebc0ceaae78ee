// Where keys live and where they go, and the settings a folder cannot steer.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { SdrsError } from '../../src/core/errors';
import type { MessageNode } from '../../src/ui/views/groupsTree';
import { DEMO_CREDENTIALS, startSimulator, type Simulator } from '../../src/simulator/simulator';
import { readSettings } from '../../src/ui/services/settings';
import { demoProjects, noQuestions, waitFor, EXTENSION_ID, useExtension } from './support';
import type { SdrsApi } from '../../src/extension';

describe('keys and settings in a real VS Code', () => {
	let a: SdrsApi;
	useExtension((api) => (a = api));

	it('keeps keys out of globalState and settings: only SecretStorage has them', async () => {
		await demoProjects(a);
		const meta = JSON.stringify(a.profiles.list());
		const creds = await a.profiles.credentials(a.profiles.list()[0].id);
		assert.ok(creds?.secretKey);
		assert.ok(!meta.includes(creds.secretKey));
		assert.ok(!meta.includes(creds.accessKey));
		const settings = JSON.stringify(vscode.workspace.getConfiguration('sdrs'));
		assert.ok(!settings.includes(creds.secretKey));
	});

	it('reads the keys once per session, not per request, and again as soon as they change', async () => {
		// Count SecretStorage reads from outside: the store's read, wrapped for this test only.
		let secretReads = 0;
		const read = a.profiles.credentials.bind(a.profiles);
		a.profiles.credentials = (id: string) => (secretReads++, read(id));
		const project = (await demoProjects(a)).find((p) => p.project.name === 'cn-north-4')!;
		assert.ok((await a.tree.getChildren(project)).some((n) => n.type === 'group'));
		const reads = secretReads;
		a.tree.refresh();
		assert.ok((await a.tree.getChildren()).length > 0);
		assert.ok((await a.tree.getChildren(project)).some((n) => n.type === 'group'));
		assert.equal(secretReads, reads, 'a refresh (an IAM call and a listing) read no keys');
		// Other keys stored for the profile (as another window would): the next calls use them,
		// also through a client obtained before the change (as a job being watched holds one).
		const demo = a.profiles.list()[0];
		const held = a.clients.client(demo);
		await a.profiles.save({ name: demo.name, kind: demo.kind, temporary: false, endpoints: demo.endpoints }, { accessKey: 'OTHERKEYS0000001', secretKey: 'not-the-demo-secret' });
		a.tree.refresh();
		const roots = await a.tree.getChildren();
		assert.equal(roots.length, 1);
		assert.equal(roots[0].type, 'message');
		assert.match(roots[0].label, /401|credential|AK\/SK|key/i);
		assert.equal(secretReads, reads + 1, 'read once after the change');
		await assert.rejects(held.listProjects(), (e: SdrsError) => e.status === 401 && e.code === 'APIGW.0301', 'the held client signs with the new keys');
		delete (a.profiles as Partial<typeof a.profiles>).credentials; // the prototype's read again (a failure above leaves a harmless counter)
	});

	describe('where keys go', () => {
		let legit: Simulator;
		let hostile: Simulator;
		const folderSettings = (): string => join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json');
		before(async () => {
			legit = await startSimulator();
			hostile = await startSimulator();
		});
		after(async () => {
			rmSync(folderSettings(), { force: true });
			await vscode.workspace.getConfiguration('sdrs').update('endpoints', undefined, vscode.ConfigurationTarget.Global);
			await legit.stop();
			await hostile.stop();
		});
		/** A setting changes and changes back (the extension has seen both when this resolves). */
		const touchSettings = async (): Promise<void> => {
			for (const value of [['cn-north-4'], undefined]) {
				const seen = new Promise<void>((resolve) => {
					const sub = vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('sdrs.regions') && (sub.dispose(), resolve()));
				});
				await vscode.workspace.getConfiguration('sdrs').update('regions', value, vscode.ConfigurationTarget.Global);
				await seen;
			}
		};
		const useLegit = (): Thenable<void> => vscode.workspace.getConfiguration('sdrs').update('endpoints', { iam: legit.url, sdrs: legit.url, ecs: legit.url }, vscode.ConfigurationTarget.Global);

		it('a folder’s .vscode/settings.json cannot redirect signed requests: nothing reaches the host it names', async () => {
			await useLegit();
			mkdirSync(dirname(folderSettings()), { recursive: true });
			writeFileSync(folderSettings(), JSON.stringify({ 'sdrs.endpoints': { iam: hostile.url, sdrs: hostile.url, ecs: hostile.url }, 'editor.tabSize': 7 }));
			// The folder's file is read (its other setting applies)…
			await waitFor('the folder settings to load', () => vscode.workspace.getConfiguration('editor').get('tabSize') === 7 || undefined);
			await a.profiles.save({ name: 'account', kind: 'aksk', temporary: false }, DEMO_CREDENTIALS);
			const roots = await a.tree.getChildren();
			assert.ok(roots.length > 1 && roots.every((n) => n.type === 'project'), JSON.stringify(roots.map((n) => n.type)));
			// …but not its endpoints: the user's setting decided, on the server side too.
			assert.ok(legit.stats.requests > 0);
			assert.equal(hostile.stats.requests, 0, 'no request reached the endpoint the folder named');
			assert.equal(hostile.stats.authFailures, 0);
		});

		it('temporary keys that the gateway says expired stop every call of the profile', async () => {
			rmSync(folderSettings(), { force: true });
			await useLegit();
			await legit.stop();
			legit = await startSimulator({ temporaryCredentials: { TEMPEXPIRES01: { secretKey: 'temporary-secret-1', securityToken: 'tok-expires', expiresAt: Date.now() + 1500 } } });
			await useLegit();
			await a.profiles.save({ name: 'short-lived', kind: 'aksk', temporary: true }, { accessKey: 'TEMPEXPIRES01', secretKey: 'temporary-secret-1', securityToken: 'tok-expires' });
			assert.ok(
				(await a.tree.getChildren()).every((n) => n.type === 'project'),
				'the keys work at first',
			);
			await new Promise((r) => setTimeout(r, 1700));
			a.tree.refresh();
			await a.tree.getChildren(); // the gateway now says the token expired
			await waitFor('the profile to be marked expired', () => (a.profiles.list()[0].expiresAt ?? Infinity) <= Date.now() || undefined);
			const sent = legit.stats.requests;
			a.tree.refresh();
			const roots = await a.tree.getChildren();
			assert.match((roots[0] as MessageNode).label, /temporary credentials of “short-lived” expired/);
			await assert.rejects(a.clients.client(a.profiles.list()[0]).listProjects(), /have expired/);
			assert.equal(legit.stats.requests, sent, 'nothing more was sent for the profile');
		});

		it('asks before a profile’s keys go to a host off Huawei Cloud, once per profile and host; a refusal sends nothing', async () => {
			rmSync(folderSettings(), { force: true });
			await useLegit();
			const asked: string[] = [];
			let answer = false;
			a.ports.prompts = { ...noQuestions, confirm: (m) => (asked.push(m), Promise.resolve(answer)), alert: () => Promise.resolve() };
			const before = legit.stats.requests;
			await a.profiles.save({ name: 'careful', kind: 'aksk', temporary: false }, DEMO_CREDENTIALS);
			const refused = await a.tree.getChildren();
			assert.equal(refused.length, 1);
			assert.match((refused[0] as MessageNode).label, /Not sent: the keys of “careful” go to 127\.0\.0\.1:\d+ only if you allow it/);
			assert.equal(legit.stats.requests, before, 'nothing was sent while not allowed');
			assert.match(asked[0], new RegExp(`Send the keys of “careful” to ${new URL(legit.url).host.replace(/\./g, '\\.')}\\?`));
			answer = true;
			// A refusal holds until the profiles or settings change: a setting changes here.
			await touchSettings();
			a.tree.refresh();
			assert.ok((await a.tree.getChildren()).every((n) => n.type === 'project'));
			assert.ok(legit.stats.requests > before);
			const asks = asked.length;
			a.tree.refresh();
			await a.tree.getChildren();
			assert.equal(asked.length, asks, 'remembered for this profile and host');
			assert.ok(a.approvals.isApproved(a.profiles.list()[0].id, new URL(legit.url).host));
		});

		it('a refused host is not asked about again in this window until the profiles or settings change', async () => {
			rmSync(folderSettings(), { force: true });
			await useLegit();
			const asked: string[] = [];
			a.ports.prompts = { ...noQuestions, confirm: (m) => (asked.push(m), Promise.resolve(false)), alert: () => Promise.resolve() };
			const profile = await a.profiles.save({ name: 'refuser', kind: 'aksk', temporary: false }, DEMO_CREDENTIALS);
			const before = legit.stats.requests;
			// What a plan of many groups does: one request after another, each for the same host.
			for (let i = 0; i < 5; i++) {
				await assert.rejects(a.clients.client(profile).listProjects(), /Not sent: the keys of “refuser” go to 127\.0\.0\.1:\d+ only if you allow it/);
			}
			a.tree.refresh();
			await a.tree.getChildren();
			assert.equal(asked.length, 1, `asked once, not per request: ${JSON.stringify(asked)}`);
			assert.equal(legit.stats.requests, before, 'nothing was sent');
			// A setting changed: the user is asked again (the tree, if shown, may ask first), then not again.
			await touchSettings();
			await assert.rejects(a.clients.client(profile).listProjects(), /Not sent/);
			const asks = asked.length;
			assert.ok(asks >= 2, 'asked again after the settings changed');
			for (let i = 0; i < 3; i++) {
				await assert.rejects(a.clients.client(profile).listProjects(), /Not sent/);
			}
			assert.equal(asked.length, asks, 'and once only');
			assert.equal(legit.stats.requests, before);
		});
	});

	describe('settings a folder cannot steer', () => {
		const folderSettings = (): string => join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json');
		const keys = ['requestTimeoutSeconds', 'maxConcurrentRequests', 'jobs.timeoutMinutes'];
		afterEach(async () => {
			rmSync(folderSettings(), { force: true });
			for (const key of keys) {
				await vscode.workspace.getConfiguration('sdrs').update(key, undefined, vscode.ConfigurationTarget.Global);
			}
		});

		it('a workspace’s request timeout, concurrency and job timeout are ignored: only the user’s count', async () => {
			mkdirSync(dirname(folderSettings()), { recursive: true });
			writeFileSync(folderSettings(), JSON.stringify({ 'sdrs.requestTimeoutSeconds': 1, 'sdrs.maxConcurrentRequests': 16, 'sdrs.jobs.timeoutMinutes': 5, 'editor.tabSize': 5 }));
			await waitFor('the folder settings to load', () => vscode.workspace.getConfiguration('editor').get('tabSize') === 5 || undefined);
			// Written through the API too, where the editor allows it at all.
			await Promise.resolve(vscode.workspace.getConfiguration('sdrs').update('requestTimeoutSeconds', 1, vscode.ConfigurationTarget.Workspace)).catch(() => undefined);
			const s = readSettings();
			assert.equal(s.requestTimeoutMs, 30_000);
			assert.equal(s.maxConcurrentRequests, 4);
			assert.equal(s.jobTimeoutMs, 30 * 60_000);
			// The user's own values do count.
			await vscode.workspace.getConfiguration('sdrs').update('requestTimeoutSeconds', 45, vscode.ConfigurationTarget.Global);
			await waitFor('the user value', () => readSettings().requestTimeoutMs === 45_000 || undefined);
		});

		it('bounds the user’s values: a request waits at least 10 s, 1 to 16 at once, a job is followed at least 5 minutes', async () => {
			const set = (key: string, value: number): Thenable<void> => vscode.workspace.getConfiguration('sdrs').update(key, value, vscode.ConfigurationTarget.Global);
			await set('requestTimeoutSeconds', 1);
			await set('maxConcurrentRequests', 100);
			await set('jobs.timeoutMinutes', 1);
			let s = readSettings();
			assert.equal(s.requestTimeoutMs, 10_000);
			assert.equal(s.maxConcurrentRequests, 16);
			assert.equal(s.jobTimeoutMs, 5 * 60_000);
			await set('requestTimeoutSeconds', 10_000);
			await set('maxConcurrentRequests', 0);
			await set('jobs.timeoutMinutes', 100_000);
			s = readSettings();
			assert.equal(s.requestTimeoutMs, 600_000);
			assert.equal(s.maxConcurrentRequests, 1);
			assert.equal(s.jobTimeoutMs, 1440 * 60_000);
		});

		it('the manifest makes them user settings, and keeps a folder’s regions and projects out of Restricted Mode', () => {
			const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
				capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
				contributes: { configuration: { properties: Record<string, { scope?: string }> } };
			};
			for (const key of keys) {
				assert.equal(pkg.contributes.configuration.properties[`sdrs.${key}`].scope, 'application', key);
			}
			for (const key of ['sdrs.endpoints', 'sdrs.regions', 'sdrs.projects']) {
				assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key), key);
			}
		});
	});
});
