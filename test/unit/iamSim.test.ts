import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { isExpiredCredentials, parseErrorResponse } from '../../src/core/errors';
import { signRequest, type Credentials } from '../../src/core/signer';
import { DEMO_AGENCY, DEMO_CREDENTIALS, partnerProjectId, PARTNER_ACCOUNT } from '../../src/simulator/simulator';
import { rig, type Rig } from '../support/sim';

const ASSUME = '/v3.0/OS-CREDENTIAL/securitytokens';

function assumeBody(assume: Record<string, unknown>): string {
	return JSON.stringify({ auth: { identity: { methods: ['assume_role'], assume_role: assume } } });
}

describe('simulator: temporary keys through an agency', () => {
	let r: Rig;
	beforeEach(async () => {
		r = await rig();
	});
	afterEach(async () => {
		await r.sim.stop();
	});

	async function call(method: string, path: string, opts: { creds?: Credentials; body?: string; unsigned?: boolean } = {}): Promise<{ status: number; json: Record<string, unknown> }> {
		const url = r.sim.url + path;
		const base = { 'Content-Type': 'application/json;charset=utf8' };
		const headers = opts.unsigned ? base : signRequest({ method, url, headers: base, body: opts.body }, opts.creds ?? DEMO_CREDENTIALS, new Date());
		delete (headers as Record<string, string>).Host;
		const res = await fetch(url, { method, headers, body: opts.body });
		return { status: res.status, json: (await res.json()) as Record<string, unknown> };
	}

	async function admin(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
		const res = await fetch(`${r.sim.url}/__admin/iam`, { method: 'POST', headers: { 'X-Admin-Token': r.sim.adminToken }, body: JSON.stringify(body) });
		return { status: res.status, json: (await res.json()) as Record<string, unknown> };
	}

	async function assume(assumeRole: Record<string, unknown>, creds?: Credentials): Promise<{ status: number; json: Record<string, unknown> }> {
		return call('POST', ASSUME, { body: assumeBody(assumeRole), creds });
	}

	function keysOf(json: Record<string, unknown>): Credentials {
		const c = json.credential as Record<string, string>;
		return { accessKey: c.access, secretKey: c.secret, securityToken: c.securitytoken };
	}

	it('answers 201 with the keys, and they act in the delegating account only', async () => {
		const started = Date.now();
		const res = await assume({ domain_name: DEMO_AGENCY.domainName, agency_name: DEMO_AGENCY.agencyName, duration_seconds: 3600 });
		assert.equal(res.status, 201);
		const c = res.json.credential as Record<string, string>;
		assert.deepEqual(Object.keys(c).sort(), ['access', 'expires_at', 'secret', 'securitytoken']);
		assert.match(c.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
		const lifetime = Date.parse(c.expires_at.replace(/(\.\d{3})\d{3}Z$/, '$1Z')) - started;
		assert.ok(lifetime > 3_590_000 && lifetime <= 3_601_000, `lifetime ${lifetime}`);
		const temp = keysOf(res.json);

		// The partner's projects, and only those.
		const projects = (await call('GET', '/v3/projects', { creds: temp })).json.projects as { id: string; domain_id: string }[];
		assert.deepEqual(projects.map((p) => p.id).sort(), [partnerProjectId('cn-east-3'), partnerProjectId('cn-north-4')].sort());
		assert.ok(projects.every((p) => p.domain_id === PARTNER_ACCOUNT.id));
		const groups = (await call('GET', `/v1/${partnerProjectId('cn-north-4')}/server-groups`, { creds: temp })).json.server_groups as { name: string }[];
		assert.ok(groups.some((g) => g.name === 'partner-db'));
		assert.ok(!groups.some((g) => g.name === 'erp-prod'));

		// Each account's projects are unknown to the other's keys.
		const crossTemp = await call('GET', `/v1/${r.project.id}/server-groups`, { creds: temp });
		assert.equal(crossTemp.status, 400);
		assert.equal((crossTemp.json.error as Record<string, string>).code, 'SDRS.0001');
		const crossBase = await call('GET', `/v1/${partnerProjectId('cn-north-4')}/server-groups`);
		assert.equal(crossBase.status, 400);
		assert.equal((crossBase.json.error as Record<string, string>).code, 'SDRS.0001');
		const baseProjects = (await call('GET', '/v3/projects')).json.projects as { domain_id: string }[];
		assert.ok(baseProjects.length > 0 && baseProjects.every((p) => p.domain_id !== PARTNER_ACCOUNT.id));
	});

	it('accepts domain_id instead of domain_name, and defaults the duration to 900 s', async () => {
		const res = await assume({ domain_id: DEMO_AGENCY.domainId, agency_name: DEMO_AGENCY.agencyName });
		assert.equal(res.status, 201);
		const expires = Date.parse(String((res.json.credential as Record<string, string>).expires_at).replace(/(\.\d{3})\d{3}Z$/, '$1Z'));
		assert.ok(Math.abs(expires - Date.now() - 900_000) < 5000);
	});

	it('enforces the documented durations (900 to 86400 s) and the body shape with IAM.0011', async () => {
		for (const duration of [899, 86_401, 1800.5, '3600']) {
			const res = await assume({ domain_name: DEMO_AGENCY.domainName, agency_name: DEMO_AGENCY.agencyName, duration_seconds: duration });
			assert.equal(res.status, 400, String(duration));
			assert.equal(res.json.error_code, 'IAM.0011');
		}
		assert.equal((await assume({ domain_name: DEMO_AGENCY.domainName, agency_name: DEMO_AGENCY.agencyName, duration_seconds: 86_400 })).status, 201);
		assert.equal((await assume({ domain_name: DEMO_AGENCY.domainName, agency_name: DEMO_AGENCY.agencyName, duration_seconds: 900 })).status, 201);
		assert.equal((await assume({ agency_name: DEMO_AGENCY.agencyName })).json.error_code, 'IAM.0011', 'no domain');
		const wrongMethod = await call('POST', ASSUME, { body: JSON.stringify({ auth: { identity: { methods: ['token'], assume_role: { domain_name: 'x', agency_name: 'y' } } } }) });
		assert.equal(wrongMethod.json.error_code, 'IAM.0011');
		assert.equal((await call('POST', ASSUME, { body: '{not json' })).json.error_code, 'IAM.0011');
	});

	it('refuses an unknown agency (404 IAM.0004), an agency for another account and a user without the permission (403 IAM.0003)', async () => {
		const unknown = await assume({ domain_name: DEMO_AGENCY.domainName, agency_name: 'no-such-agency' });
		assert.equal(unknown.status, 404);
		assert.equal(unknown.json.error_code, 'IAM.0004');
		const unknownDomain = await assume({ domain_name: 'no-such-account', agency_name: DEMO_AGENCY.agencyName });
		assert.equal(unknownDomain.json.error_code, 'IAM.0004');
		const notTrusted = await assume({ domain_name: DEMO_AGENCY.domainName, agency_name: 'billing-viewer' });
		assert.equal(notTrusted.status, 403);
		assert.equal(notTrusted.json.error_code, 'IAM.0003');
		assert.equal((await admin({ denyAssume: [DEMO_CREDENTIALS.accessKey] })).status, 200);
		const denied = await assume({ domain_name: DEMO_AGENCY.domainName, agency_name: DEMO_AGENCY.agencyName });
		assert.equal(denied.status, 403);
		assert.equal(denied.json.error_code, 'IAM.0003');
		assert.match(String(denied.json.error_msg), /iam:tokens:assume/);
		await admin({ allowAssume: [DEMO_CREDENTIALS.accessKey] });
		assert.equal((await assume({ domain_name: DEMO_AGENCY.domainName, agency_name: DEMO_AGENCY.agencyName })).status, 201);
	});

	it('verifies the call like any other: unsigned, badly signed or revoked base keys get the gateway 401', async () => {
		const body = assumeBody({ domain_name: DEMO_AGENCY.domainName, agency_name: DEMO_AGENCY.agencyName });
		const unsigned = await call('POST', ASSUME, { body, unsigned: true });
		assert.equal(unsigned.status, 401);
		assert.equal(unsigned.json.error_code, 'APIGW.0301');
		const wrongSecret = await call('POST', ASSUME, { body, creds: { ...DEMO_CREDENTIALS, secretKey: 'not-the-secret' } });
		assert.equal(wrongSecret.status, 401);
		await admin({ revoke: [DEMO_CREDENTIALS.accessKey] });
		const revoked = await call('POST', ASSUME, { body });
		assert.equal(revoked.status, 401);
		assert.equal(revoked.json.error_code, 'APIGW.0301');
		assert.equal(r.sim.iam.issued.size, 0, 'nothing issued');
	});

	it('expires the keys: a call after expires_at gets the 401 the extension reads as expired credentials', async () => {
		assert.equal((await admin({ lifetimeMs: 150 })).status, 200);
		const res = await assume({ domain_name: DEMO_AGENCY.domainName, agency_name: DEMO_AGENCY.agencyName, duration_seconds: 3600 });
		const temp = keysOf(res.json);
		const expires = Date.parse(String((res.json.credential as Record<string, string>).expires_at).replace(/(\.\d{3})\d{3}Z$/, '$1Z'));
		assert.ok(expires - Date.now() <= 150, 'expires_at tells the shortened lifetime');
		assert.equal((await call('GET', '/v3/projects', { creds: temp })).status, 200);
		await new Promise((resolve) => setTimeout(resolve, 200));
		const expired = await call('GET', `/v1/${partnerProjectId('cn-north-4')}/server-groups`, { creds: temp });
		assert.equal(expired.status, 401);
		assert.ok(isExpiredCredentials(parseErrorResponse(expired.status, JSON.stringify(expired.json))), String(expired.json.error_msg));

		// expireIssued ends keys issued with a normal lifetime too.
		await admin({ lifetimeMs: null });
		const fresh = keysOf((await assume({ domain_name: DEMO_AGENCY.domainName, agency_name: DEMO_AGENCY.agencyName })).json);
		assert.equal((await call('GET', '/v3/projects', { creds: fresh })).status, 200);
		await admin({ expireIssued: true });
		assert.equal((await call('GET', '/v3/projects', { creds: fresh })).status, 401);
	});

	it('admin: bounds its inputs', async () => {
		assert.equal((await admin({ lifetimeMs: -1 })).status, 400);
		assert.equal((await admin({ lifetimeMs: 'soon' })).status, 400);
		assert.equal((await admin({ revoke: 'AK' })).status, 400);
		assert.equal((await admin({ denyAssume: Array.from({ length: 101 }, (_, i) => `AK${i}`) })).status, 400);
		r.sim.reset();
		assert.equal(r.sim.iam.revoked.size, 0, 'reset clears IAM state');
	});
});

describe('simulator CLI', () => {
	it('prints the demo agency beside the keys', async () => {
		const child = spawn(process.execPath, [join(__dirname, '../../../dist/simulatorCli.js'), '--port', '0', '--lifetime-minutes', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
		try {
			const out = await new Promise<string>((resolve, reject) => {
				let text = '';
				const timer = setTimeout(() => reject(new Error(`no agency line in: ${text}`)), 10_000);
				child.stdout.on('data', (chunk: Buffer) => {
					text += chunk.toString('utf8');
					if (/admin token/.test(text)) {
						clearTimeout(timer);
						resolve(text);
					}
				});
				child.on('error', reject);
			});
			assert.match(out, /AK=SIMDEMOAK/);
			assert.match(out, new RegExp(`agency: domain_name=${DEMO_AGENCY.domainName} agency_name=${DEMO_AGENCY.agencyName}`));
		} finally {
			child.kill();
		}
	});
});
