import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { updateState } from '../../src/core/sharedState';

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
