import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { signRequest } from '../../src/core/signer';
import { DEMO_CREDENTIALS, MAX_REQUEST_BYTES } from '../../src/simulator/simulator';
import { rejects, rig, type Rig } from '../support/sim';

describe('simulator says no', () => {
	let r: Rig;
	beforeEach(async () => {
		r = await rig();
	});
	afterEach(async () => {
		await r.sim.stop();
	});

	async function call(
		method: string,
		path: string,
		opts: { creds?: typeof DEMO_CREDENTIALS & { securityToken?: string }; date?: Date; body?: string; tamper?: (h: Record<string, string>) => void } = {},
	): Promise<{ status: number; json: Record<string, unknown> }> {
		const url = r.sim.url + path;
		const headers = signRequest({ method, url, headers: { 'Content-Type': 'application/json' }, body: opts.body }, opts.creds ?? DEMO_CREDENTIALS, opts.date ?? new Date());
		opts.tamper?.(headers);
		delete headers.Host; // fetch sets it from the URL, byte-identical
		const res = await fetch(url, { method, headers, body: opts.body });
		return { status: res.status, json: (await res.json()) as Record<string, unknown> };
	}

	it('admin: adds a project (refusing a bad region), and its own calls are not counted as requests', async () => {
		const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
			const res = await fetch(`${r.sim.url}/__admin/${path}`, { method, headers: { 'X-Admin-Token': r.sim.adminToken }, body: body === undefined ? undefined : JSON.stringify(body) });
			return { status: res.status, json: (await res.json()) as Record<string, unknown> };
		};
		const before = (await admin('GET', 'stats')).json;
		const added = await admin('POST', 'projects', { region: 'cn-east-3' });
		assert.equal(added.status, 200);
		assert.ok(r.sim.projects().some((p) => p.id === added.json.id && p.name === 'cn-east-3'));
		assert.equal((await admin('POST', 'projects', { region: '../x' })).status, 400);
		assert.equal((await admin('POST', 'projects', {})).status, 400);
		const after = (await admin('GET', 'stats')).json;
		assert.equal(after.requests, before.requests, 'admin calls are not counted');
		// An API call does count.
		assert.equal((await call('GET', `/v1/${r.project.id}/server-groups?limit=5&offset=0`)).status, 200);
		assert.equal((await admin('GET', 'stats')).json.requests, (before.requests as number) + 1);
	});

	it('admin: refuses calls without this run’s token or to a non-loopback Host, and bounds every input', async () => {
		const admin = async (method: string, path: string, body?: unknown, headers: Record<string, string> = { 'X-Admin-Token': r.sim.adminToken }): Promise<number> =>
			(await fetch(`${r.sim.url}/__admin/${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) })).status;
		assert.equal(await admin('GET', 'stats', undefined, {}), 403, 'no token');
		assert.equal(await admin('GET', 'stats', undefined, { 'X-Admin-Token': 'guess' }), 403, 'wrong token');
		const viaOtherHost = await new Promise<number>((resolve, reject) => {
			const u = new URL(`${r.sim.url}/__admin/stats`);
			const req = request({ host: u.hostname, port: u.port, path: u.pathname, headers: { Host: `attacker.example:${u.port}`, 'X-Admin-Token': r.sim.adminToken } }, (res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			});
			req.on('error', reject);
			req.end();
		});
		assert.equal(viaOtherHost, 403, 'a rebinding Host is refused');
		assert.equal(await admin('GET', 'stats'), 200);
		const g = r.sim.findGroup('crm-web');
		assert.equal(await admin('POST', `groups/${g.id}`, '{"__proto__": {"polluted": true}}'), 400);
		assert.equal(({} as Record<string, unknown>).polluted, undefined);
		assert.equal(await admin('POST', `groups/${g.id}`, { constructor: { prototype: { x: 1 } } }), 400);
		assert.equal(await admin('POST', `groups/${g.id}`, { isAdmin: true }), 400, 'unknown fields');
		assert.equal(await admin('POST', 'config', { faults: [{ match: '(a+)+$', kind: '500', rate: 1 }] }), 400, 'a catastrophic pattern');
		assert.equal(await admin('POST', 'config', { faults: [{ match: 'x'.repeat(201), kind: '500', rate: 1 }] }), 400, 'a long pattern');
		assert.equal(await admin('POST', 'config', { faults: [{ match: '^GET /v3/', kind: '500', count: 1 }] }), 200, 'an ordinary one');
		assert.equal(await admin('POST', 'bulk', { projectId: r.project.id, count: 1e9 }), 400, 'an unbounded bulk');
		assert.equal(await admin('POST', 'config', { latencyMs: 'forever' }), 400);
	});

	it('accepts a correctly signed request', async () => {
		const res = await call('GET', `/v1/${r.project.id}/server-groups?limit=5&offset=0`);
		assert.equal(res.status, 200);
		assert.equal((res.json.server_groups as unknown[]).length, 5);
	});

	it('rejects a wrong secret key with 401 APIGW.0301', async () => {
		const res = await call('GET', `/v1/${r.project.id}/server-groups`, { creds: { ...DEMO_CREDENTIALS, secretKey: 'wrong' } });
		assert.equal(res.status, 401);
		assert.equal(res.json.error_code, 'APIGW.0301');
		assert.match(String(res.json.error_msg), /verify aksk signature fail/);
	});

	it('rejects a tampered signed header and an unknown access key', async () => {
		const tampered = await call('GET', `/v1/${r.project.id}/server-groups`, { tamper: (h) => (h['Content-Type'] = 'text/plain') });
		assert.equal(tampered.status, 401);
		const unknown = await call('GET', `/v1/${r.project.id}/server-groups`, { creds: { accessKey: 'NOPE', secretKey: 'x' } });
		assert.equal(unknown.json.error_code, 'APIGW.0301');
	});

	it('rejects a date more than 15 minutes old with 401 APIGW.0201', async () => {
		const res = await call('GET', `/v1/${r.project.id}/server-groups`, { date: new Date(Date.now() - 16 * 60_000) });
		assert.equal(res.status, 401);
		assert.equal(res.json.error_code, 'APIGW.0201');
		const ok = await call('GET', `/v1/${r.project.id}/server-groups`, { date: new Date(Date.now() - 14 * 60_000) });
		assert.equal(ok.status, 200);
	});

	it('rejects a body that does not match the signature', async () => {
		const g = r.sim.findGroup('crm-web');
		const url = `${r.sim.url}/v1/${r.project.id}/server-groups/${g.id}/action`;
		const headers = signRequest({ method: 'POST', url, headers: {}, body: '{"start-server-group":{}}' }, DEMO_CREDENTIALS, new Date());
		delete headers.Host;
		const res = await fetch(url, { method: 'POST', headers, body: '{"start-server-group": {}}' });
		assert.equal(res.status, 401);
		assert.equal(r.sim.group(g.id)?.status, 'available');
	});

	it('checks temporary credentials: the token must be present, signed and unexpired', async () => {
		await r.sim.stop();
		const temp = { accessKey: 'TEMPAK', secretKey: 'TEMPSK', securityToken: 'tok' };
		r = await rig({
			temporaryCredentials: { TEMPAK: { secretKey: 'TEMPSK', securityToken: 'tok', expiresAt: Date.now() + 60_000 }, OLDAK: { secretKey: 'x', securityToken: 't', expiresAt: Date.now() - 1 } },
		});
		assert.equal((await call('GET', '/v3/auth/projects', { creds: temp })).status, 200);
		assert.equal((await call('GET', '/v3/auth/projects', { creds: { ...temp, securityToken: undefined } })).status, 401);
		const expired = await call('GET', '/v3/auth/projects', { creds: { accessKey: 'OLDAK', secretKey: 'x', securityToken: 't' } });
		assert.match(String(expired.json.error_msg), /expired/);
	});

	it('refuses Enable on a group in the wrong state with SDRS.1002, and with no replication pairs', async () => {
		const protectedGroup = r.sim.findGroup('erp-prod');
		const e1 = await rejects(r.client.startProtectionGroup(r.project, protectedGroup.id));
		assert.equal(e1.code, 'SDRS.1002');
		const noPairs = r.sim.findGroup('hr-portal');
		const e2 = await rejects(r.client.startProtectionGroup(r.project, noPairs.id));
		assert.equal(e2.code, 'SDRS.1002');
		assert.match(e2.message, /replication pairs/);
	});

	it('refuses Enable Again while a DR-site server runs (SDRS.1342), accepts it once they are stopped', async () => {
		const g = r.sim.findGroup('inventory-api');
		const err = await rejects(r.client.startProtectionGroup(r.project, g.id));
		assert.equal(err.code, 'SDRS.1342');
		r.sim.stopDrServers(g.id);
		const { jobId } = await r.client.startProtectionGroup(r.project, g.id);
		assert.equal(r.sim.group(g.id)?.status, 'reprotecting');
		await new Promise((res) => setTimeout(res, 350));
		const job = await r.client.getJob(r.project, jobId);
		assert.equal(job.jobType, 'reprotectProtectionGroupNoCG');
		assert.equal(job.status, 'SUCCESS');
		assert.equal(r.sim.group(g.id)?.status, 'protected');
	});

	it('a failing job ends FAIL with error_code and failing sub-jobs, the group in error-starting', async () => {
		const g = r.sim.findGroup('billing-db');
		const { jobId } = await r.client.startProtectionGroup(r.project, g.id);
		await new Promise((res) => setTimeout(res, 350));
		const job = await r.client.getJob(r.project, jobId);
		assert.equal(job.status, 'FAIL');
		assert.equal(job.errorCode, 'SDRS.1027');
		assert.equal(job.subJobs.filter((s) => s.status === 'FAIL').length, 1);
		assert.equal(r.sim.group(g.id)?.status, 'error-starting');
	});

	it('validates paging parameters with SDRS.0221 / SDRS.0222 and the status filter with SDRS.0209', async () => {
		assert.equal((await call('GET', `/v1/${r.project.id}/server-groups?limit=0`)).json.error && true, true);
		const l = await call('GET', `/v1/${r.project.id}/server-groups?limit=1001`);
		assert.equal((l.json.error as { code: string }).code, 'SDRS.0221');
		const o = await call('GET', `/v1/${r.project.id}/server-groups?offset=-1`);
		assert.equal((o.json.error as { code: string }).code, 'SDRS.0222');
		const s = await call('GET', `/v1/${r.project.id}/server-groups?status=bogus`);
		assert.equal((s.json.error as { code: string }).code, 'SDRS.0209');
	});

	it('rejects an unknown action and a body that is not JSON', async () => {
		const g = r.sim.findGroup('crm-web');
		const bad = await call('POST', `/v1/${r.project.id}/server-groups/${g.id}/action`, { body: '{"frobnicate":{}}' });
		assert.equal((bad.json.badrequest as { code: string }).code, 'SDRS.0206');
		const notJson = await call('POST', `/v1/${r.project.id}/server-groups/${g.id}/action`, { body: 'nope' });
		assert.equal((notJson.json.badrequest as { code: string }).code, 'SDRS.0201');
	});

	it('seeds every documented group status, at least 30 groups, DR servers running and stopped', () => {
		const statuses = new Set(r.sim.groups().map((g) => g.status));
		for (const s of [
			'creating',
			'available',
			'protected',
			'deleting',
			'error-deleting',
			'error',
			'starting',
			'error-starting',
			'reprotecting',
			'error-reprotecting',
			'stopping',
			'error-stopping',
			'reversing',
			'error-reversing',
			'failing-over',
			'failed-over',
			'error-failing-over',
		]) {
			assert.ok(statuses.has(s), s);
		}
		assert.ok(r.sim.groups().length >= 30);
		const failedOver = r.sim.groups().filter((g) => g.status === 'failed-over');
		const drStates = failedOver.flatMap((g) =>
			r.sim
				.serversOf(g.id)
				.filter((s) => s.az === g.source_availability_zone)
				.map((s) => s.status),
		);
		assert.ok(drStates.includes('ACTIVE') && drStates.includes('SHUTOFF'));
	});

	/** A raw request over its own connection; `chunked` sends the body without a Content-Length. */
	function rawPost(path: string, headers: Record<string, string>, body: Buffer, chunked: boolean): Promise<{ status: number; text: string }> {
		return new Promise((resolve, reject) => {
			let answered = false;
			const req = request(`${r.sim.url}${path}`, { method: 'POST', agent: false, headers: chunked ? headers : { ...headers, 'Content-Length': String(body.length) } }, (res) => {
				answered = true;
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (c: string) => (text += c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
				res.on('error', () => resolve({ status: res.statusCode ?? 0, text }));
			});
			req.on('error', (e) => (answered ? undefined : reject(e))); // the server may close while the rest is on its way
			for (let at = 0; at < body.length; at += 64 * 1024) {
				req.write(body.subarray(at, at + 64 * 1024));
			}
			req.end();
		});
	}

	it('answers a request body past the cap with 413, and never handles a cut-short body', async () => {
		const g = r.sim.findGroup('crm-web');
		const path = `/v1/${r.project.id}/server-groups/${g.id}/action`;
		// Signed, and valid but for its size: read whole, it would be refused for its extra key.
		const body = JSON.stringify({ 'start-server-group': {}, pad: 'x'.repeat(MAX_REQUEST_BYTES) });
		const headers = signRequest({ method: 'POST', url: r.sim.url + path, headers: { 'Content-Type': 'application/json' }, body }, DEMO_CREDENTIALS, new Date());
		delete headers.Host;
		for (const chunked of [false, true]) {
			const res = await rawPost(path, headers, Buffer.from(body), chunked);
			assert.equal(res.status, 413, `chunked: ${chunked}: ${res.text.slice(0, 200)}`);
			assert.match(res.text, /APIGW\.0401/);
		}
		assert.deepEqual(r.sim.stats.jobsCreated, {});
		assert.equal(r.sim.stats.requests, 0, 'nothing was handled');
		// A body just under the cap is read and answered as usual.
		const small = await rawPost(path, headers, Buffer.from('{"start-server-group":{}}'), false);
		assert.equal(small.status, 401, 'handled: its signature is for another body');
	});

	it('caps open connections: one past the cap is closed unanswered, and a slot freed is used again', async () => {
		await r.sim.stop();
		r = await rig({ maxConnections: 3 });
		const open = (): Promise<Socket> =>
			new Promise((resolve, reject) => {
				const s = connect(Number(new URL(r.sim.url).port), '127.0.0.1', () => resolve(s));
				s.on('error', reject);
			});
		const held = await Promise.all([open(), open(), open()]);
		await new Promise((res) => setTimeout(res, 50));
		const extra = await open();
		const answer = await new Promise<string>((resolve) => {
			let text = '';
			extra.on('data', (c: Buffer) => (text += c.toString()));
			extra.on('error', () => undefined);
			extra.on('close', () => resolve(text));
			extra.write('GET /v3/projects HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
			setTimeout(() => extra.destroy(), 2000).unref();
		});
		assert.equal(answer, '', 'closed without an answer');
		held[0].destroy();
		await new Promise((res) => setTimeout(res, 50));
		assert.ok((await r.client.listProjects()).length > 0, 'a freed slot is used again');
		for (const s of held) {
			s.destroy();
		}
	});

	it('listens on 127.0.0.1 only', () => {
		assert.match(r.sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
	});
});
