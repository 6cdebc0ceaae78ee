// The short profile of `npm run chaos` (same code, fewer actions).
import * as assert from 'node:assert/strict';
import { BAD_INPUTS, runBadInput, runBatchFaults, runClockSkew, runFaults, userFacingProblems } from '../support/chaos';
import { runBatchContention } from '../support/chaosContention';
import { runLifecycleBatchFaults, runLifecycleFaults } from '../support/chaosLifecycle';
import { runPlanFaults } from '../support/chaosPlans';

describe('chaos (short profile)', () => {
	it('40 actions with 20% of calls failing: every outcome definite and true, no duplicate POST, every tree load succeeds', async function () {
		this.timeout(120_000);
		const r = await runFaults({ actions: 40, faultRate: 0.2, concurrency: 10, seed: 3 });
		assert.deepEqual(r.mismatches, []);
		assert.equal(r.matched, 40);
		assert.equal(r.duplicates, 0);
		assert.ok(Object.values(r.faults).reduce((a, b) => a + b, 0) > 20, `faults were injected: ${JSON.stringify(r.faults)}`);
		assert.ok(r.retries > 0);
		assert.ok(r.treeLoads >= 4);
		assert.ok(r.lateApplied >= 1, 'a POST was answered 502 and applied later');
	});

	it('every action (Enable, Enable Again, Disable, Planned Failover, Failover) with 20% of calls failing: each outcome, status and production site as the simulator has it, no duplicate POST', async function () {
		this.timeout(120_000);
		const r = await runLifecycleFaults({ actions: 40, faultRate: 0.2, concurrency: 10, seed: 11 });
		assert.deepEqual(r.mismatches, []);
		assert.equal(r.matched, 40);
		assert.equal(r.duplicates, 0);
		assert.deepEqual(r.byAction, { enable: 8, enableAgain: 8, disable: 8, plannedFailover: 8, failover: 8 });
		assert.ok(Object.values(r.faults).reduce((a, b) => a + b, 0) > 20, `faults were injected: ${JSON.stringify(r.faults)}`);
		assert.ok(r.lateApplied >= 1, 'a POST was answered 502 and applied later');
		for (const a of ['disable', 'plannedFailover', 'failover']) {
			assert.ok(
				Object.keys(r.outcomes).some((k) => k.startsWith(`${a} started:SUCCESS`) || k.startsWith(`${a} applied:SUCCESS`)),
				`${a} succeeded at least once: ${JSON.stringify(r.outcomes)}`,
			);
		}
	});

	it('a batch each of Disable, Planned Failover and Failover over 10 groups with 20% of calls failing: every entry’s outcome, status and production site true, no duplicate POST', async function () {
		this.timeout(120_000);
		const r = await runLifecycleBatchFaults({ rounds: 1, groups: 10, faultRate: 0.2, seed: 5 });
		assert.deepEqual(r.mismatches, []);
		assert.equal(r.duplicates, 0);
		assert.equal(r.batches, 3);
		assert.ok(r.groups >= 24, `groups sent: ${r.groups} (${JSON.stringify(r.outcomes)})`);
		assert.equal(r.matched, r.groups);
		assert.ok(r.lateApplied >= 2, 'POSTs were answered 502 and applied later');
	});

	it('3 batches of 12 groups with 20% of calls failing: every outcome true, no duplicate POST (throttled ones go again)', async function () {
		this.timeout(180_000);
		const r = await runBatchFaults({ batches: 3, groups: 12, faultRate: 0.2, seed: 5 });
		assert.deepEqual(r.mismatches, []);
		assert.equal(r.duplicates, 0);
		assert.ok(r.groups >= 24, `groups sent: ${r.groups} (${JSON.stringify(r.outcomes)})`);
		assert.equal(r.matched, r.groups);
		assert.ok(Object.values(r.faults).reduce((a, b) => a + b, 0) > 20, `faults were injected: ${JSON.stringify(r.faults)}`);
		assert.ok(r.lateApplied >= 2, 'POSTs were answered 502 and applied later');
	});

	it('2 rounds of two windows planning the same 10 groups, one stalling past its lease in a throttle pause: 0 duplicate POSTs, reports equal to the truth', async function () {
		this.timeout(180_000);
		const r = await runBatchContention({ rounds: 2, groups: 10, faultRate: 0.2, seed: 7 });
		assert.deepEqual(r.mismatches, []);
		assert.equal(r.duplicates, 0);
		assert.equal(r.matched, 20);
		assert.equal(r.takeovers, 2);
		assert.ok(r.sentOnce >= 14, `most groups were sent by one of the two batches: ${r.sentOnce} of 20`);
		assert.ok(r.throttled > 0, 'throttle pauses happened');
	});

	it('2 rounds of a 3-step plan over 12 groups with 20% of calls failing, the window reloaded mid-step in one: 0 duplicate POSTs, each group’s end as the simulator has it, steps never overlapping', async function () {
		this.timeout(180_000);
		const r = await runPlanFaults({ rounds: 2, groups: 12, faultRate: 0.2, seed: 7 });
		assert.deepEqual(r.mismatches, []);
		assert.deepEqual(r.overlaps, []);
		assert.equal(r.duplicates, 0);
		assert.equal(r.rounds, 2);
		assert.equal(r.reloads, 1);
		assert.equal(r.groups, 24);
		assert.equal(r.matched, r.groups);
		assert.ok((r.outcomes.succeeded ?? 0) >= 12, `most groups switched: ${JSON.stringify(r.outcomes)}`);
		assert.ok(Object.values(r.faults).reduce((a, b) => a + b, 0) > 10, `faults were injected: ${JSON.stringify(r.faults)}`);
		assert.ok(r.lateApplied >= 2, 'POSTs were answered 502 and applied later');
	});

	it(`${BAD_INPUTS.length} bad answers: a clear error or a safe value each, no crash, no hang, the tree still loads`, async function () {
		this.timeout(120_000);
		assert.ok(BAD_INPUTS.length >= 40);
		const r = await runBadInput();
		assert.equal(r.cases, BAD_INPUTS.length);
		assert.deepEqual(r.crashes, []);
		assert.deepEqual(r.hangs, []);
		assert.equal(r.byOutcome['unsafe-value'] ?? 0, 0, r.lines.join('\n'));
		assert.equal(r.byOutcome['unclear-error'] ?? 0, 0, r.lines.join('\n'));
		assert.equal(r.byOutcome['unsafe-error'] ?? 0, 0, r.lines.join('\n'));
		assert.ok(r.treeUsableAfterEach);
		assert.ok((r.byOutcome['clear-error:too-large'] ?? 0) >= 1, 'the 10 MB body hits the cap');
		assert.ok((r.byOutcome['clear-error:timeout'] ?? 0) >= 1, 'the slow drip times out');
	});

	it('the check on what reaches the user finds links, command: URIs, icons and control characters', () => {
		assert.deepEqual(userFacingProblems('[run](command:sdrs.removeProfile)'), ['Markdown link', 'command: URI']);
		assert.deepEqual(userFacingProblems('quota exceeded $(zap)'), ['$(icon)']);
		assert.deepEqual(userFacingProblems('red\u001b[31m'), ['control character']);
		assert.deepEqual(userFacingProblems('Protection group not found. (400 SDRS.1013)'), []);
	});

	it('corrects a 20-minute clock skew once and says so once', async () => {
		const r = await runClockSkew();
		assert.deepEqual(r, { authFailures: 1, corrections: 1, clockLogLines: 1, succeeded: true });
	});
});
