// `npm run chaos`: the long profile of the fault, plan, bad-input and clock-skew runs, with figures.
// SDRS_CHAOS_ACTIONS (default 300) sets the number of actions. Exits non-zero when anything held
// less than it should: a mismatch, a duplicate POST, a crash, a hang or a missed skew correction.
import { runBadInput, runBatchFaults, runClockSkew, runFaults } from '../support/chaos';
import { runBatchContention } from '../support/chaosContention';
import { runLifecycleBatchFaults, runLifecycleFaults } from '../support/chaosLifecycle';
import { runPlanFaults } from '../support/chaosPlans';

async function main(): Promise<number> {
	const actions = Number(process.env.SDRS_CHAOS_ACTIONS ?? 300);
	console.log(`== Faults: ${actions} Enable / Enable Again actions, 20% of calls failing ==`);
	const f = await runFaults({ actions, faultRate: 0.2, concurrency: 12, seed: Number(process.env.SDRS_CHAOS_SEED ?? 1) });
	console.log(`actions ${f.actions} in ${f.seconds.toFixed(1)} s; ${f.requests} requests; faults injected ${Object.values(f.faults).reduce((a, b) => a + b, 0)}:`);
	console.log(
		`  ${Object.entries(f.faults)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}`,
	);
	console.log(
		`retries ${f.retries}; outcomes: ${Object.entries(f.outcomes)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}`,
	);
	console.log(`late applies (502 answered, POST applied 1 s later): ${f.lateApplied}; wrong outcomes ${f.mismatches.length}`);
	console.log(`outcomes matching the server's truth ${f.matched}/${f.actions}; duplicate POSTs ${f.duplicates}; tree loads ${f.treeLoads} (attempts ${f.treeLoadAttempts})`);
	for (const m of f.mismatches) {
		console.log(`  MISMATCH ${m}`);
	}

	const lifecycle = Number(process.env.SDRS_CHAOS_LIFECYCLE ?? 200);
	console.log(`\n== Every action: ${lifecycle} Enable / Enable Again / Disable / Planned Failover / Failover actions, 20% of calls failing ==`);
	const lc = await runLifecycleFaults({ actions: lifecycle, faultRate: 0.2, concurrency: 12, seed: Number(process.env.SDRS_CHAOS_SEED ?? 1) });
	console.log(
		`actions ${lc.actions} in ${lc.seconds.toFixed(1)} s (${Object.entries(lc.byAction)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}); faults injected ${Object.values(lc.faults).reduce((a, b) => a + b, 0)}; late applies ${lc.lateApplied}`,
	);
	console.log(
		`outcomes: ${Object.entries(lc.outcomes)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}`,
	);
	console.log(`outcomes matching the server's truth (jobs, status, production site) ${lc.matched}/${lc.actions}; duplicate POSTs ${lc.duplicates}`);
	for (const m of lc.mismatches) {
		console.log(`  MISMATCH ${m}`);
	}

	const lifecycleRounds = Number(process.env.SDRS_CHAOS_LIFECYCLE_ROUNDS ?? 3);
	console.log(`\n== Lifecycle batches: ${lifecycleRounds} rounds of a Disable, a Planned Failover and a Failover batch over 20 protected groups, 20% of calls failing ==`);
	const lb = await runLifecycleBatchFaults({ rounds: lifecycleRounds, groups: 20, faultRate: 0.2, seed: Number(process.env.SDRS_CHAOS_SEED ?? 1) });
	console.log(`batches ${lb.batches}, groups sent ${lb.groups} in ${lb.seconds.toFixed(1)} s; faults injected ${Object.values(lb.faults).reduce((a, b) => a + b, 0)}; late applies ${lb.lateApplied}`);
	console.log(
		`outcomes: ${Object.entries(lb.outcomes)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}`,
	);
	console.log(`outcomes matching the server's truth (jobs, status, production site) ${lb.matched}/${lb.groups}; duplicate POSTs ${lb.duplicates}`);
	for (const m of lb.mismatches) {
		console.log(`  MISMATCH ${m}`);
	}

	const batches = Number(process.env.SDRS_CHAOS_BATCHES ?? 10);
	console.log(`\n== Batches: ${batches} batches of Enable Protection Again over 20 failed-over groups, 20% of calls failing ==`);
	const bf = await runBatchFaults({ batches, groups: 20, faultRate: 0.2, seed: Number(process.env.SDRS_CHAOS_SEED ?? 1) });
	console.log(
		`batches ${bf.batches}, groups sent ${bf.groups} in ${bf.seconds.toFixed(1)} s; faults injected ${Object.values(bf.faults).reduce((a, b) => a + b, 0)}: ${Object.entries(bf.faults)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}`,
	);
	console.log(
		`outcomes: ${Object.entries(bf.outcomes)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}`,
	);
	console.log(`throttled POSTs sent again ${bf.throttledResent}; late applies ${bf.lateApplied}; outcomes matching the server's truth ${bf.matched}/${bf.groups}; duplicate POSTs ${bf.duplicates}`);
	for (const m of bf.mismatches) {
		console.log(`  MISMATCH ${m}`);
	}

	const rounds = Number(process.env.SDRS_CHAOS_CONTENTION ?? 5);
	console.log(`\n== Contention: ${rounds} rounds of two windows planning the same 20 groups, one stalling past its lease, 20% of calls failing ==`);
	const ct = await runBatchContention({ rounds, groups: 20, faultRate: 0.2, seed: Number(process.env.SDRS_CHAOS_SEED ?? 1) });
	console.log(
		`rounds ${ct.rounds}, takeovers ${ct.takeovers}, groups ${ct.groups} in ${ct.seconds.toFixed(1)} s; throttled POSTs ${ct.throttled}; outcomes matching the server's truth ${ct.matched}/${ct.groups}; duplicate POSTs ${ct.duplicates}`,
	);
	for (const m of ct.mismatches) {
		console.log(`  MISMATCH ${m}`);
	}

	const planRounds = Number(process.env.SDRS_CHAOS_PLANS ?? 6);
	console.log(`\n== Plans: ${planRounds} rounds of a 3-step Enable Protection Again plan over 20 groups, 20% of calls failing, the window reloaded mid-step every other round ==`);
	const pl = await runPlanFaults({ rounds: planRounds, groups: 20, faultRate: 0.2, seed: Number(process.env.SDRS_CHAOS_SEED ?? 1) });
	console.log(
		`rounds ${pl.rounds} (${pl.reloads} reloaded), groups ${pl.groups} in ${pl.seconds.toFixed(1)} s; faults injected ${Object.values(pl.faults).reduce((a, b) => a + b, 0)}; late applies ${pl.lateApplied}`,
	);
	console.log(
		`outcomes: ${Object.entries(pl.outcomes)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}`,
	);
	console.log(`outcomes matching the server's truth ${pl.matched}/${pl.groups}; duplicate POSTs ${pl.duplicates}; steps overlapping ${pl.overlaps.length}`);
	for (const m of [...pl.mismatches, ...pl.overlaps]) {
		console.log(`  MISMATCH ${m}`);
	}

	console.log('\n== Bad input ==');
	const b = await runBadInput();
	for (const line of b.lines) {
		console.log(`  ${line}`);
	}
	console.log(
		`cases ${b.cases}; outcomes: ${Object.entries(b.byOutcome)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}; crashes ${b.crashes.length}; hangs ${b.hangs.length}; tree usable after each: ${b.treeUsableAfterEach}`,
	);

	console.log('\n== Clock skew (simulator 20 minutes ahead) ==');
	const s = await runClockSkew();
	console.log(`rejected on the date ${s.authFailures}; corrections ${s.corrections}; log lines about the clock ${s.clockLogLines}; then succeeded: ${s.succeeded}`);

	const ok =
		pl.mismatches.length === 0 &&
		pl.overlaps.length === 0 &&
		pl.duplicates === 0 &&
		pl.rounds === planRounds &&
		pl.matched === pl.groups &&
		lb.mismatches.length === 0 &&
		lb.duplicates === 0 &&
		lb.matched === lb.groups &&
		lc.mismatches.length === 0 &&
		lc.duplicates === 0 &&
		lc.matched === lc.actions &&
		ct.mismatches.length === 0 &&
		ct.duplicates === 0 &&
		ct.matched === ct.groups &&
		f.mismatches.length === 0 &&
		f.duplicates === 0 &&
		f.matched === f.actions &&
		bf.mismatches.length === 0 &&
		bf.duplicates === 0 &&
		bf.matched === bf.groups &&
		b.crashes.length === 0 &&
		b.hangs.length === 0 &&
		!b.byOutcome['unsafe-value'] &&
		!b.byOutcome['unsafe-error'] &&
		b.treeUsableAfterEach &&
		s.corrections === 1 &&
		s.clockLogLines === 1 &&
		s.succeeded;
	console.log(`\n${ok ? 'held' : 'DID NOT HOLD'}`);
	return ok ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(e: unknown) => {
		console.error(e);
		process.exit(1);
	},
);
