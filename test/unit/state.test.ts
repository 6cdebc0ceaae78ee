import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { JobStore } from '../../src/core/jobStore';
import { PlanRunStore } from '../../src/core/plans/runStore';
import type { StoredPlanRun } from '../../src/core/plans/types';
import type { StoredJob } from '../../src/core/records';
import { SerialState, updateState, type SharedState } from '../../src/core/sharedState';
import { EditorMemento } from '../support/editorMemento';
import { storedJob } from '../support/records';

/** A Memento that takes back an older value right after `reverts` writes, as storage echoes can. */
function echoingMemento(reverts: number): vscode.Memento & { writes: number } {
	let value: unknown;
	let pendingEcho = reverts;
	return {
		writes: 0,
		keys: () => ['k'],
		get<T>(_key: string, fallback?: T): T {
			return (value ?? fallback) as T;
		},
		update(_key: string, next: unknown): Thenable<void> {
			const previous = value;
			this.writes++;
			value = pendingEcho-- > 0 ? previous : next;
			return Promise.resolve();
		},
	};
}

describe('globalState writes that hold', () => {
	it('writes again when an older value comes back, until the new one holds', async () => {
		const m = echoingMemento(1);
		await updateState(m, 'k', ['a']);
		assert.deepEqual(m.get('k'), ['a']);
		assert.equal(m.writes, 2);
	});
	it('writes once when nothing comes back, and gives up after three writes', async () => {
		const once = echoingMemento(0);
		await updateState(once, 'k', { n: 1 });
		assert.equal(once.writes, 1);
		const never = echoingMemento(99);
		await updateState(never, 'k', 1);
		assert.equal(never.writes, 3);
	});
});

const job = (jobId: string): StoredJob => storedJob(jobId, { action: 'createDrill' });

/**
 * A rehearsal step's writes as they come: for each of `groups` groups at once, the run's step
 * patched, the drill's job recorded and claimed, the run patched again; how many of the jobs the
 * extension host and the stored object still hold at the end.
 */
async function rehearsalWrites(state: SharedState, groups: number, seed: number): Promise<{ held: number; stored: number; runsHeld: number }> {
	// Each group's writes follow its own answers from the service: a few milliseconds apart, not in step.
	let x = seed;
	const answer = (): Promise<unknown> => new Promise((r) => setTimeout(r, (x = (x * 7 + 3) % 11) % 4));
	const store = new JobStore(state);
	const runs = new PlanRunStore(state, store.owner);
	const run = { runId: 'r1', groups: [] as string[] } as unknown as StoredPlanRun & { groups: string[] };
	await runs.save(run);
	const ids = Array.from({ length: groups }, (_, i) => `job-${i}`);
	const patch = (id: string): Promise<void> => runs.write((all) => all.map((r) => ({ ...r, groups: [...(r as typeof run).groups, id] })));
	await Promise.all(
		ids.map(async (id, i) => {
			await new Promise((r) => setTimeout(r, i % 3));
			await patch(`${id}-sending`);
			await answer();
			await store.save(job(id));
			await store.claim(id);
			await answer();
			await patch(id);
		}),
	);
	const memento = (state instanceof SerialState ? state.inner : state) as EditorMemento;
	await new Promise((r) => setTimeout(r, 50));
	return {
		held: ids.filter((id) => store.get(id)).length,
		stored: memento.storedValue<StoredJob[]>('sdrs.jobs', []).length,
		runsHeld: (runs.get('r1') as typeof run).groups.length,
	};
}

describe('globalState written one write at a time (SerialState)', () => {
	const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
	it('the editor model loses a job recorded while a plan run’s write is echoed back (the defect, reproduced)', async () => {
		let lost = 0;
		for (const seed of seeds) {
			const r = await rehearsalWrites(new EditorMemento(seed), 8, seed);
			lost += 8 - Math.min(r.held, r.stored) + (16 - r.runsHeld);
		}
		// Shows the model can fail: straight onto the editor's memento, some jobs are gone.
		assert.ok(lost > 0, 'the model of the editor’s storage did not reproduce the lost write');
	});
	it('keeps every job and every step write when the same writes go one at a time', async () => {
		for (const seed of seeds) {
			const r = await rehearsalWrites(new SerialState(new EditorMemento(seed)), 8, seed);
			assert.deepEqual(r, { held: 8, stored: 8, runsHeld: 16 }, `seed ${seed}`);
		}
	});
	it('reads a value waiting for its turn, and writes a copy of it', async () => {
		const m = new EditorMemento(7);
		const s = new SerialState(m);
		const value = { list: [1] };
		const first = s.update('a', value);
		const second = s.update('b', 2);
		value.list.push(2);
		assert.deepEqual(s.get('a', undefined), { list: [1] });
		assert.equal(s.get('b', 0), 2);
		assert.equal(m.get('b', 0), 0, 'the second write waits for the first one’s answer');
		await Promise.all([first, second]);
		assert.deepEqual(m.storedValue('a', undefined), { list: [1] });
		assert.equal(m.storedValue('b', 0), 2);
	});
});
