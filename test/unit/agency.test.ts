import * as assert from 'node:assert/strict';
import { AGENCY_ERRORS, AgencyCredentials, parseCredential, type AgencyTarget } from '../../src/core/agency';
import { SdrsClient } from '../../src/core/client';
import { categorize, KEYS_RENEWED, SdrsError } from '../../src/core/errors';
import { explainCode } from '../../src/core/explanations';
import { explainZh } from '../support/explainZh';
import { HttpPipeline } from '../../src/core/http';
import { trackJob } from '../../src/core/jobTracker';
import type { Project } from '../../src/core/model';
import { DEMO_AGENCY, DEMO_CREDENTIALS, partnerProjectId } from '../../src/simulator/simulator';
import { rejects, rig, type Rig } from '../support/sim';

const ASSUME_ROUTE = 'POST /v3.0/OS-CREDENTIAL/securitytokens';
const TARGET: AgencyTarget = { domainName: DEMO_AGENCY.domainName, agencyName: DEMO_AGENCY.agencyName, durationSeconds: 3600 };
const PARTNER: Project = { id: partnerProjectId('cn-north-4'), name: 'cn-north-4', region: 'cn-north-4', isSubProject: false };

describe('agency credentials (assume-role through IAM)', () => {
	let r: Rig;
	let clock: number;
	beforeEach(async () => {
		r = await rig();
		clock = Date.now();
	});
	afterEach(async () => {
		await r.sim.stop();
	});

	function setup(target: AgencyTarget = TARGET): { agency: AgencyCredentials; http: HttpPipeline; client: SdrsClient } {
		// One clock for the pipelines and the provider, as in the extension.
		const now = (): number => clock;
		const base = new HttpPipeline({ credentials: () => DEMO_CREDENTIALS, baseBackoffMs: 5, maxBackoffMs: 20, timeoutMs: 2000, now });
		const agency = new AgencyCredentials({ base, iamUrl: r.sim.url, target, now });
		const http = new HttpPipeline({ credentials: agency, baseBackoffMs: 5, maxBackoffMs: 20, timeoutMs: 2000, now });
		return { agency, http, client: new SdrsClient(http, { iam: r.sim.url, sdrs: r.sim.url, ecs: r.sim.url }) };
	}
	/** Moves this computer's clock and the service's together. */
	function advance(ms: number): void {
		clock += ms;
		r.sim.configure({ clockOffsetMs: clock - Date.now() });
	}
	const assumeCalls = (): number => r.sim.stats.byRoute[ASSUME_ROUTE] ?? 0;

	it('assumes the agency once, signed with the base keys, and reaches the delegating account with the temporary keys', async () => {
		const { agency, client } = setup();
		const projects = await client.listProjects();
		assert.deepEqual(projects.map((p) => p.id).sort(), [partnerProjectId('cn-east-3'), partnerProjectId('cn-north-4')].sort());
		const groups = await client.listGroups(PARTNER);
		assert.ok(groups.some((g) => g.name === 'partner-erp'));
		assert.equal(assumeCalls(), 1, 'one assume call for several requests');
		assert.equal(r.sim.stats.authFailures, 0);
		assert.equal(r.sim.iam.issued.size, 1);
		const creds = await agency.get();
		assert.notEqual(creds.accessKey, DEMO_CREDENTIALS.accessKey);
		assert.ok(creds.securityToken);
		const lifetime = (agency.expiresAt ?? 0) - clock;
		assert.ok(lifetime > 3_590_000 && lifetime <= 3_600_000, `lifetime ${lifetime}`);
	});

	it('renews before the keys run out (80% of the lifetime), using the current ones meanwhile', async () => {
		const { agency, client } = setup();
		const first = await agency.get();
		const firstEnd = agency.expiresAt ?? 0;
		advance(0.79 * 3_600_000);
		assert.equal((await agency.get()).accessKey, first.accessKey);
		assert.equal(assumeCalls(), 1, 'not yet');
		advance(0.02 * 3_600_000);
		// In the renewal window the keys in hand still sign this request; the renewal runs beside it.
		assert.equal((await client.listGroups(PARTNER)).length > 0, true);
		await waitFor(() => (agency.expiresAt ?? 0) > firstEnd);
		assert.equal(assumeCalls(), 2);
		const second = await agency.get();
		assert.notEqual(second.accessKey, first.accessKey);
		assert.equal(assumeCalls(), 2);
		// Past the end without a renewal: the next request waits for new keys.
		advance(3_600_000);
		await client.listGroups(PARTNER);
		assert.equal(assumeCalls(), 3);
		assert.notEqual((await agency.get()).accessKey, second.accessKey);
	});

	it('renews after a 401 that says the keys expired: a read is sent again, the action POST is not', async () => {
		const { agency, client } = setup();
		await client.listGroups(PARTNER);
		const old = await agency.get();
		r.sim.iam.expireIssued(r.sim.now());
		const groups = await client.listGroups(PARTNER);
		assert.ok(groups.length > 0, 'the read went through with new keys');
		assert.equal(assumeCalls(), 2);
		assert.notEqual((await agency.get()).accessKey, old.accessKey);

		const g = r.sim.findGroup('partner-web');
		r.sim.iam.expireIssued(r.sim.now());
		const err = await rejects(client.startProtectionGroup(PARTNER, g.id));
		assert.ok(err instanceof SdrsError);
		assert.equal(err.code, KEYS_RENEWED);
		assert.equal(err.status, 401);
		assert.equal(categorize(err), 'other', 'not an authentication failure: the keys are renewed');
		assert.ok(explainZh(KEYS_RENEWED));
		assert.equal(r.sim.stats.actionPosts[g.id], 1, 'the action was sent once');
		assert.equal(r.sim.stats.jobsCreated[g.id] ?? 0, 0);
		assert.equal(r.sim.group(g.id)?.status, 'available');
		assert.equal(assumeCalls(), 3, 'renewed for the next request');
		// Sent again by the user: it goes through with the renewed keys, without another assume.
		const { jobId } = await client.startProtectionGroup(PARTNER, g.id);
		assert.ok(jobId);
		assert.equal(r.sim.stats.actionPosts[g.id], 2);
		assert.equal(assumeCalls(), 3);
	});

	it('a job being followed goes on across a renewal', async () => {
		r.sim.configure({ jobDurationMs: 600 });
		const { client } = setup();
		const g = r.sim.findGroup('partner-web');
		const { jobId } = await client.startProtectionGroup(PARTNER, g.id);
		let polls = 0;
		const outcome = await trackJob(
			{ jobId, startedAt: Date.now() },
			{
				getJob: (id, signal) => client.getJob(PARTNER, id, signal),
				sleep: async (ms) => {
					if (++polls === 1) {
						r.sim.iam.expireIssued(r.sim.now()); // the keys run out while the job runs
					}
					await new Promise((res) => setTimeout(res, Math.min(ms, 100)));
				},
			},
		);
		assert.equal(outcome.kind, 'SUCCESS');
		assert.equal(assumeCalls(), 2);
		assert.equal(r.sim.group(g.id)?.status, 'protected');
	});

	it('reads expires_at on IAM’s clock: a computer 20 minutes ahead still holds the keys for their whole hour', async () => {
		r.sim.configure({ clockOffsetMs: -20 * 60_000 });
		const { agency, client } = setup();
		await client.listProjects();
		const lifetime = (agency.expiresAt ?? 0) - clock;
		assert.ok(lifetime > 3_590_000 && lifetime <= 3_600_000, `lifetime ${lifetime}`);
	});

	it('coalesces concurrent renewals into one assume call', async () => {
		const { agency, client } = setup();
		const keys = await Promise.all(Array.from({ length: 10 }, () => agency.get()));
		assert.equal(new Set(keys.map((k) => k.accessKey)).size, 1);
		assert.equal(assumeCalls(), 1);
		r.sim.iam.expireIssued(r.sim.now());
		const lists = await Promise.all(Array.from({ length: 6 }, () => client.listGroups(PARTNER)));
		assert.ok(lists.every((l) => l.length > 0));
		assert.equal(assumeCalls(), 2, 'six refusals, one renewal');
	});

	it('explains IAM refusals: base keys revoked, agency missing, no permission', async () => {
		const missing = setup({ ...TARGET, agencyName: 'no-such-agency' });
		const e1 = await rejects(missing.client.listGroups(PARTNER));
		assert.equal(e1.code, AGENCY_ERRORS.notFound);
		assert.equal(e1.kind, 'config', 'nothing was sent with such keys');
		assert.match(e1.message, /no-such-agency/);
		assert.match(e1.message, /IAM\.0004/);

		const notTrusted = setup({ ...TARGET, agencyName: 'billing-viewer' });
		assert.equal((await rejects(notTrusted.client.listProjects())).code, AGENCY_ERRORS.forbidden);

		r.sim.iam.denyAssume.add(DEMO_CREDENTIALS.accessKey);
		const denied = setup();
		const e2 = await rejects(denied.client.listProjects());
		assert.equal(e2.code, AGENCY_ERRORS.forbidden);
		assert.match(e2.message, /iam:tokens:assume/);
		r.sim.iam.denyAssume.clear();

		r.sim.iam.revoked.add(DEMO_CREDENTIALS.accessKey);
		const revoked = setup();
		const e3 = await rejects(revoked.client.listProjects());
		assert.equal(e3.code, AGENCY_ERRORS.baseKeysRefused);
		assert.equal(e3.status, 401);
		for (const code of Object.values(AGENCY_ERRORS)) {
			assert.ok(explainCode(code) && explainZh(code), code);
		}
	});

	it('keeps the keys in hand when an early renewal fails, and tries again only after a pause', async () => {
		const { agency } = setup();
		const first = await agency.get();
		r.sim.iam.revoked.add(DEMO_CREDENTIALS.accessKey);
		advance(0.85 * 3_600_000);
		assert.equal((await agency.get()).accessKey, first.accessKey);
		await waitFor(() => assumeCalls() === 2);
		await new Promise((res) => setTimeout(res, 50));
		for (let i = 0; i < 5; i++) {
			assert.equal((await agency.get()).accessKey, first.accessKey);
		}
		assert.equal(assumeCalls(), 2, 'no storm of assume calls');
		// At the end, the refusal reaches the caller.
		advance(0.15 * 3_600_000);
		assert.equal((await rejects(agency.get())).code, AGENCY_ERRORS.baseKeysRefused);
	});

	it('refuses a bad duration or target before sending anything', () => {
		const base = new HttpPipeline({ credentials: () => DEMO_CREDENTIALS });
		for (const target of [{ ...TARGET, durationSeconds: 899 }, { ...TARGET, durationSeconds: 86_401 }, { agencyName: 'x' }, { ...TARGET, agencyName: '' }]) {
			assert.throws(
				() => new AgencyCredentials({ base, iamUrl: r.sim.url, target }),
				(e: SdrsError) => e.code === AGENCY_ERRORS.invalid,
			);
		}
	});

	it('forgets the keys on clear(), and an answer that arrives after it is not kept', async () => {
		const { agency } = setup();
		const pending = agency.get();
		agency.clear();
		await rejects(pending);
		assert.equal(agency.expiresAt, undefined);
		const fresh = await agency.get();
		assert.ok(fresh.accessKey);
	});
});

describe('parseCredential', () => {
	const ok = { access: 'SIMTMPABC123', secret: 'sec', securitytoken: 'tok+/=', expires_at: '2026-12-04T16:00:00.123456Z' };
	it('reads IAM’s answer, microseconds included', () => {
		const p = parseCredential(JSON.stringify({ credential: ok }));
		assert.equal(p.creds.accessKey, 'SIMTMPABC123');
		assert.equal(p.expiresAt, Date.parse('2026-12-04T16:00:00.123Z'));
	});
	it('refuses keys that could not go into a header, and missing fields', () => {
		for (const bad of [{ access: 'AK\r\nX-Evil: 1' }, { access: '' }, { secret: 'a b' }, { securitytoken: 'x'.repeat(20_000) }, { expires_at: 'tomorrow' }, { access: 42 }]) {
			assert.throws(() => parseCredential(JSON.stringify({ credential: { ...ok, ...bad } })), JSON.stringify(bad));
		}
		assert.throws(() => parseCredential('null'));
		assert.throws(() => parseCredential('{"credential":[]}'));
	});
	it('an answer that is not JSON is refused without quoting it (the text around the error is the secret key)', () => {
		const body = '{"credential":{"access":"SIMTMPABC123","secret":SECRETKEYVALUE1234567","securitytoken":"tok"}}';
		assert.throws(
			() => parseCredential(body),
			(e: Error) => e.message === 'the answer is not valid JSON' && !e.message.includes('SECRET'),
		);
	});
});

async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
	const end = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > end) {
			throw new Error('condition not met in time');
		}
		await new Promise((res) => setTimeout(res, 10));
	}
}
