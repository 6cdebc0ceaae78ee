// The one owner of the group filters: one per profile, kept in globalState, sent by the tree as
// the service's own query parameters, described for the view title, and shown by the
// sdrs.filterActive context key (which swaps Filter for Clear Filter).
import type { SharedState } from '../../core/sharedState';
import * as vscode from 'vscode';
import type { GroupFilter } from '../../core/client';
import { filterLabel } from '../text';
import type { ProfileStore } from './profiles';
import { setContextKey } from './contextKeys';

const FILTERS_KEY = 'sdrs.filters';

export class FilterState implements vscode.Disposable {
	private readonly changed = new vscode.EventEmitter<void>();
	readonly onDidChange = this.changed.event;
	private active = new Map<string, GroupFilter>();

	constructor(
		private readonly state: SharedState,
		private readonly profiles: ProfileStore,
	) {}

	dispose(): void {
		this.changed.dispose();
	}

	/** The filter of a profile ({} when none). */
	get(profileId: string): GroupFilter {
		return this.active.get(profileId) ?? {};
	}

	async set(profileId: string, filter: GroupFilter): Promise<void> {
		await this.state.update(FILTERS_KEY, { ...this.state.get<Record<string, GroupFilter>>(FILTERS_KEY, {}), [profileId]: filter });
		await this.reload(true);
	}

	async clear(): Promise<void> {
		await this.state.update(FILTERS_KEY, {});
		await this.reload(true);
	}

	/** The active filters in words, for the view title; undefined when none. */
	description(): string | undefined {
		const many = this.profiles.list().length > 1;
		const labels = [...this.active].map(([id, f]) => (many ? `${this.profiles.get(id)?.name}: ${filterLabel(f)}` : filterLabel(f)));
		return labels.length ? vscode.l10n.t('Filter: {0}', labels.join('; ')) : undefined;
	}

	/**
	 * Reads the saved filters (of profiles that still exist). The change event fires only when
	 * what is filtered, or how it is described, changed: a profile change that leaves the filters
	 * as they were (and activation without saved filters) reloads nothing. Setting or clearing a
	 * filter always does (`force`), as the user asked for it.
	 */
	async reload(force = false): Promise<void> {
		const before = JSON.stringify([[...this.active], this.description()]);
		const saved = this.state.get<Record<string, GroupFilter>>(FILTERS_KEY, {});
		this.active = new Map(Object.entries(saved).filter(([id, f]) => this.profiles.get(id) && filterLabel(f)));
		await setContextKey('sdrs.filterActive', this.active.size > 0);
		if (force || JSON.stringify([[...this.active], this.description()]) !== before) {
			this.changed.fire();
		}
	}
}
