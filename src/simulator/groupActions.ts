// POST /v1/{project_id}/server-groups/{id}/action: enable or re-protect (start-server-group),
// disable (stop-server-group), planned failover (reverse-server-group) and failover
// (failover-server-group), each refused synchronously when its preconditions fail.
import { randomBytes } from 'node:crypto';
import type { SimJob } from './jobs';
import { ACTION_RULES, sites, startRule, synchronising, type ActionKey } from './rules';
import type { SimGroup } from './seed';
import type { SimState } from './state';
import { isObject, sdrsError } from './wire';

const BODIES = new Set(['start-server-group', 'stop-server-group', 'reverse-server-group', 'failover-server-group']);

const refuse = (code: string, message: string): Error => sdrsError(400, code, message, 'badrequest');

/** The pairs' fault levels (fault_level 5: the replication link is broken). */
export function faultLevel(g: SimGroup, n: number): number {
	return g.faultLevels?.[n] ?? (g.status === 'error' ? 5 : 0);
}

/** The body as one action and its parameters, or the documented refusal. */
function parseBody(body: Buffer): { key: string; params: Record<string, unknown> } {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		throw refuse('SDRS.0201', 'Invalid request parameters: the body is not JSON.');
	}
	if (!isObject(parsed) || Object.keys(parsed).length !== 1) {
		throw refuse('SDRS.0201', 'Invalid request parameters.');
	}
	const key = Object.keys(parsed)[0];
	if (!BODIES.has(key)) {
		throw refuse('SDRS.0206', 'Invalid action.');
	}
	const params = parsed[key];
	if (!isObject(params)) {
		throw refuse('SDRS.0201', `Invalid request parameters: ${key} must be an object.`);
	}
	return { key, params };
}

export function action(sim: SimState, projectId: string, groupId: string, body: Buffer): unknown {
	const { key, params } = parseBody(body);
	// The switchover names the new production site, relative to the AZs fixed at creation.
	const station = params.priority_station;
	if (key === 'reverse-server-group' && station !== 'source' && station !== 'target') {
		throw refuse('SDRS.0216', 'Invalid preferred AZ: priority_station must be source or target.');
	}
	const g = sim.data.groups.find((x) => x.id === groupId && x.projectId === projectId);
	if (!g) {
		throw sdrsError(400, 'SDRS.1013', 'Protection group not found.');
	}
	const which: ActionKey | undefined = key === 'start-server-group' ? startRule(g.status) : key === 'stop-server-group' ? 'stop' : key === 'reverse-server-group' ? 'reverse' : 'failover';
	if (!which || !ACTION_RULES[which].from.has(g.status)) {
		throw refuse('SDRS.1002', 'Operation not allowed for the protection group in the current state.');
	}
	const rule = ACTION_RULES[which];
	if (g.replication_num <= 0) {
		throw refuse('SDRS.1002', 'Operation not allowed for the protection group in the current state: the group has no replication pairs.');
	}
	const { production, dr } = sites(g);
	if (which === 'reprotect' && sim.serversOf(g.id).some((s) => s.az === dr && s.status !== 'SHUTOFF')) {
		throw refuse('SDRS.1342', 'Current DR site server is not stopped.');
	}
	if (which === 'reverse' && station === g.priority_station) {
		// INFERRED: the code for naming the current production site is not documented.
		throw refuse('SDRS.0216', `Invalid preferred AZ: ${g.priority_station} is already the production site.`);
	}
	const faults = Array.from({ length: g.replication_num }, (_, n) => faultLevel(g, n));
	if (which === 'reverse' && faults.some((f) => f > 0)) {
		// INFERRED: a switchover needs both sites' disks healthy; "system fault, switchover not
		// supported" is the documented code, after which a failover may still work.
		throw refuse('SDRS.1823', 'Operation not allowed due to a system error: a replication pair is faulty; a failover may still work.');
	}
	if (which === 'failover' && faults.includes(5)) {
		// INFERRED: "system fault, failover not supported" is the nearest documented code.
		throw refuse('SDRS.1824', 'Operation not allowed due to a system error: a replication link is broken (fault level 5).');
	}
	if (rule.waitsForSync && synchronising(g)) {
		throw refuse('SDRS.1830', 'Operation not allowed because replication pairs in this protection group are synchronizing data.');
	}
	if (which === 'reverse' && sim.serversOf(g.id).some((s) => s.az === production && s.status !== 'SHUTOFF')) {
		throw refuse('SDRS.1319', 'Server at the current production site not stopped.');
	}
	const job: SimJob = {
		id: randomBytes(16).toString('hex'),
		projectId,
		groupId: g.id,
		type: rule.jobType,
		action: which,
		createdAt: sim.now(),
		durationMs: g.jobDurationMs ?? sim.options.jobDurationMs,
		outcome: g.nextOutcome ?? 'success',
		settled: false,
	};
	sim.jobs.set(job.id, job);
	sim.stats.jobsCreated[g.id] = (sim.stats.jobsCreated[g.id] ?? 0) + 1;
	const transition = (): void => {
		if (job.settled) {
			return;
		}
		g.status = rule.transitional;
		g.progress = 0;
		g.updated_at = new Date(sim.now()).toISOString();
	};
	// The service changes the group's status when the job starts: at once, or a little later.
	if (sim.options.transitionDelayMs > 0) {
		setTimeout(transition, sim.options.transitionDelayMs).unref();
	} else {
		transition();
	}
	return { job_id: job.id };
}
