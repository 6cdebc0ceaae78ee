import * as assert from 'node:assert/strict';
import { parseJson } from '../../src/core/plans/json';
import { PLAN_LIMITS, parsePlan } from '../../src/core/plans/parse';
import { loadPlan, type PlanDirectory } from '../../src/core/plans/resolve';
import type { PlanProblem } from '../../src/core/plans/types';
import { LIFECYCLE_REGION } from '../../src/simulator/seed';
import { rig, type Rig } from '../support/sim';

/** The 1-based line and column of a problem, as the Problems panel shows it. */
function where(text: string, p: PlanProblem): string {
	const before = text.slice(0, p.span.offset).split('\n');
	return `${before.length}:${before[before.length - 1].length + 1}`;
}

const plan = (steps: string, extra = ''): string => `{
  "name": "Shop: move to the DR site",${extra}
  "project": "${LIFECYCLE_REGION}",
  "steps": [
${steps}
  ]
}
`;

describe('recovery plan files', () => {
	describe('parsing', () => {
		it('reads a plan of groups, a prompt and a wait, in order, with where each group is written', () => {
			const text = plan(`    { "name": "Databases", "groups": ["dr-switchover-ready", "dr-syncing"] },
    { "prompt": "Confirm the database is consistent, then continue." },
    { "wait": 30 },
    { "groups": ["dr-drill-ready"] }`);
			const { plan: p, problems } = parsePlan(text);
			assert.deepEqual(problems, []);
			assert.ok(p);
			assert.equal(p.name, 'Shop: move to the DR site');
			assert.equal(p.project.value, LIFECYCLE_REGION);
			assert.equal(p.profile, undefined);
			assert.deepEqual(
				p.steps.map((s) => s.kind),
				['groups', 'prompt', 'wait', 'groups'],
			);
			const first = p.steps[0];
			assert.ok(first.kind === 'groups');
			assert.equal(first.label, 'Databases');
			assert.deepEqual(
				first.groups.map((g) => g.value),
				['dr-switchover-ready', 'dr-syncing'],
			);
			assert.equal(text.slice(first.groups[1].span.offset, first.groups[1].span.offset + first.groups[1].span.length), '"dr-syncing"');
			assert.deepEqual(p.steps[2], { kind: 'wait', seconds: 30, span: p.steps[2].span });
		});

		it('reports a syntax error on its line and column, and no plan', () => {
			const text = '{\n  "name": "x",\n  "project": "p"\n  "steps": []\n}';
			const { plan: p, problems } = parsePlan(text);
			assert.equal(p, undefined);
			assert.equal(problems.length, 1);
			assert.equal(problems[0].code, 'syntax');
			assert.equal(where(text, problems[0]), '4:3');
		});

		it('reports every schema error where it is written: unknown fields, wrong types, a step of two kinds, a bad wait', () => {
			const text = plan(
				`    { "groups": ["a"], "wait": 5 },
    { "wait": 0 },
    { "wait": 1.5 },
    { "prompt": "" },
    { "groups": [] },
    { "groups": "a" },
    { "command": "workbench.action.terminal.new" },
    { "groups": ["b", "b"] }`,
				'\n  "endpoint": "https://evil.example",',
			);
			const { plan: p, problems } = parsePlan(text);
			assert.equal(p, undefined, 'a plan with an error never runs');
			assert.deepEqual(
				problems.map((x) => `${x.code}@${where(text, x)}`),
				['unknownField@3:3', 'stepKind@6:24', 'waitRange@7:15', 'waitRange@8:15', 'empty@9:17', 'empty@10:17', 'wrongType@11:17', 'unknownField@12:7', 'stepKind@12:5', 'duplicateGroup@13:23'],
			);
			assert.match(problems[0].message, /Unknown property "endpoint"/);
		});

		it('requires a name, a project and steps; caps steps, groups, waits and words', () => {
			assert.deepEqual(
				parsePlan('{}').problems.map((p) => `${p.code}:${p.args.field}`),
				['missing:name', 'missing:project', 'missing:steps'],
			);
			const many = (n: number, item: (i: number) => string): string => Array.from({ length: n }, (_, i) => item(i)).join(',');
			assert.equal(parsePlan(plan(many(PLAN_LIMITS.steps, () => '{"wait": 1}'))).problems.length, 0, 'the most steps');
			assert.deepEqual(
				parsePlan(plan(many(PLAN_LIMITS.steps + 1, () => '{"wait": 1}'))).problems.map((p) => p.code),
				['tooLong'],
			);
			assert.equal(parsePlan(plan(`{"groups": [${many(PLAN_LIMITS.groupsPerStep, (i) => `"g${i}"`)}]}`)).problems.length, 0, 'the most groups');
			assert.deepEqual(
				parsePlan(plan(`{"groups": [${many(PLAN_LIMITS.groupsPerStep + 1, (i) => `"g${i}"`)}]}`)).problems.map((p) => p.code),
				['tooManyGroups'],
			);
			assert.equal(parsePlan(plan(`{"wait": ${PLAN_LIMITS.waitSeconds}}`)).problems.length, 0);
			assert.deepEqual(
				parsePlan(plan(`{"wait": ${PLAN_LIMITS.waitSeconds + 1}}`)).problems.map((p) => p.code),
				['waitRange'],
			);
			assert.deepEqual(
				parsePlan(plan(`{"prompt": "${'x'.repeat(PLAN_LIMITS.text + 1)}"}`)).problems.map((p) => p.code),
				['tooLong'],
			);
		});

		it('keeps hostile words as plain words: control and bidirectional characters removed, nothing else interpreted', () => {
			const text = plan(`{ "prompt": "Run [this](command:workbench.action.terminal.new) \\u202eevil\\u0007 now" }`);
			const { plan: p } = parsePlan(text);
			assert.ok(p);
			const step = p.steps[0];
			assert.ok(step.kind === 'prompt');
			assert.equal(step.text, 'Run [this](command:workbench.action.terminal.new)  evil  now', 'the link is still text (the UI escapes it); the controls are gone');
		});

		it('refuses input a parser could be made to choke on: deep nesting, a huge file, trailing junk', () => {
			assert.throws(() => parseJson('['.repeat(100) + ']'.repeat(100)), /Nested deeper/);
			assert.throws(() => parseJson(' '.repeat(1_000_001)), /larger than/);
			assert.throws(() => parseJson('{} {}'), /after the end/);
			assert.throws(() => parseJson('{"a": 01}'), /Expected ',' or '}'/);
			assert.deepEqual(parseJson('{"a": [1, -2.5e3, true, null, "\\u0041"]}'), {
				type: 'object',
				offset: 0,
				length: 40,
				properties: [
					{
						key: 'a',
						keyOffset: 1,
						keyLength: 3,
						value: {
							type: 'array',
							offset: 6,
							length: 33,
							items: [
								{ type: 'number', offset: 7, length: 1, value: 1 },
								{ type: 'number', offset: 10, length: 6, value: -2500 },
								{ type: 'boolean', offset: 18, length: 4, value: true },
								{ type: 'null', offset: 24, length: 4 },
								{ type: 'string', offset: 30, length: 8, value: 'A' },
							],
						},
					},
				],
			});
		});
	});

	describe('resolving against the simulated service', () => {
		let r: Rig;
		let dir: PlanDirectory;
		let projectReads = 0;
		before(async () => {
			r = await rig();
			dir = {
				profiles: () => [
					{ id: 'p1', name: 'Production' },
					{ id: 'p2', name: 'Partner' },
				],
				defaultProfileId: () => 'p1',
				projects: (_id, signal) => (projectReads++, r.client.listProjects(signal)),
				groups: (_id, project, signal) => r.client.listGroups(project, {}, signal),
			};
		});
		after(() => r.sim.stop());

		it('finds the profile, the project and every group, by name or id, in plan order', async () => {
			const groups = await r.client.listGroups((await r.client.listProjects()).find((p) => p.name === LIFECYCLE_REGION)!);
			const drill = groups.find((g) => g.name === 'dr-drill-ready')!;
			const text = plan(`{ "groups": ["dr-switchover-ready", "dr-syncing"] }, { "prompt": "go?" }, { "groups": ["${drill.id}"] }`, '\n  "profile": "Partner",');
			const { resolved, problems } = await loadPlan(text, 'file:///shop.sdrs-plan.json', dir);
			assert.deepEqual(problems, []);
			assert.ok(resolved);
			assert.equal(resolved.profileId, 'p2');
			assert.equal(resolved.project.name, LIFECYCLE_REGION);
			assert.deepEqual(
				resolved.steps.map((s) => (s.kind === 'groups' ? s.targets.map((t) => t.group.name) : s.kind)),
				[['dr-switchover-ready', 'dr-syncing'], 'prompt', ['dr-drill-ready']],
			);
		});

		it('shows an unknown group, profile or project where it is written, and a group named twice (by name and id)', async () => {
			const groups = await r.client.listGroups((await r.client.listProjects()).find((p) => p.name === LIFECYCLE_REGION)!);
			const ready = groups.find((g) => g.name === 'dr-switchover-ready')!;
			const text = plan(`{ "groups": ["dr-switchover-ready", "no-such-group"] },\n    { "groups": ["${ready.id}"] }`);
			const { resolved, problems } = await loadPlan(text, 'x', dir);
			assert.equal(resolved, undefined);
			assert.deepEqual(
				problems.map((p) => `${p.code}@${where(text, p)}`),
				['unknownGroup@5:37', 'duplicateGroup@6:18'],
			);
			const badProfile = plan('{ "wait": 1 }', '\n  "profile": "Nobody",');
			assert.deepEqual(
				(await loadPlan(badProfile, 'x', dir)).problems.map((p) => `${p.code}@${where(badProfile, p)}`),
				['unknownProfile@3:14'],
			);
			const reads = projectReads;
			const badProject = plan('{ "wait": 1 }').replace(LIFECYCLE_REGION, 'mars-north-1');
			assert.deepEqual(
				(await loadPlan(badProject, 'x', dir)).problems.map((p) => `${p.code}@${where(badProject, p)}`),
				['unknownProject@3:14'],
			);
			assert.equal(projectReads, reads + 1);
		});

		it('says an unreadable project is a warning, not an unknown name', async () => {
			const broken: PlanDirectory = { ...dir, groups: () => Promise.reject(new Error('connect ECONNREFUSED')) };
			const { resolved, problems } = await loadPlan(plan('{ "groups": ["dr-syncing"] }'), 'x', broken);
			assert.equal(resolved, undefined);
			assert.deepEqual(
				problems.map((p) => [p.code, p.severity]),
				[['unreadable', 'warning']],
			);
		});
	});
});
