// Filter Protection Groups… and Clear Filter: the service's own filters, one per profile (kept by FilterState).
import * as vscode from 'vscode';
import type { GroupFilter } from '../../core/client';
import { say } from '../say';
import { filterLabel } from '../text';
import type { CommandContext } from './context';
import { pickProfile } from './pickers';

export async function setFilter(c: CommandContext): Promise<void> {
	const profile = await pickProfile(c, vscode.l10n.t('Filter the groups of which profile?'));
	if (!profile) {
		return;
	}
	const current = c.filters.get(profile.id);
	type Item = vscode.QuickPickItem & { filter?: GroupFilter; askName?: boolean };
	const items: Item[] = [
		{ label: vscode.l10n.t('$(list-flat) All groups'), description: vscode.l10n.t('no filter'), filter: {} },
		{ label: vscode.l10n.t('$(error) Abnormal status'), description: 'query_type=status_abnormal', filter: { queryType: 'status_abnormal' } },
		{ label: vscode.l10n.t('$(debug-pause) Protection stopped'), description: 'query_type=stop_protected', filter: { queryType: 'stop_protected' } },
		{ label: vscode.l10n.t('$(calendar) No DR drill in the last 3 months'), description: 'query_type=period_no_dr_drill', filter: { queryType: 'period_no_dr_drill' } },
		{ label: vscode.l10n.t('$(search) Name contains…'), description: 'name=', askName: true },
	];
	const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Filter protection groups of “{0}”', profile.name), placeHolder: filterLabel(current) || undefined });
	if (!pick) {
		return;
	}
	let filter = pick.filter ?? {};
	if (pick.askName) {
		const name = await say.input({ title: vscode.l10n.t('Name contains'), value: current.name ?? '', prompt: vscode.l10n.t('Sent to SDRS as the name filter (a fuzzy match).') });
		if (name === undefined) {
			return;
		}
		filter = { ...current, name: name.trim() || undefined };
	} else if (pick.filter && Object.keys(pick.filter).length) {
		filter = { ...pick.filter, name: current.name };
	}
	await c.filters.set(profile.id, filter);
}

export async function clearFilter(c: CommandContext): Promise<void> {
	await c.filters.clear();
}
