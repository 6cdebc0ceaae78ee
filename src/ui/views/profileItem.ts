// A profile in the Protection Groups tree: its name, the account it acts in and, for an agency
// profile, "via agency X from Y". Names and accounts were typed by someone or read from a file
// (KooCLI's), so they go through safeText for the tree and the Markdown tooltip.
import * as vscode from 'vscode';
import { safeText } from '../../core/safeText';
import { accountLabel, isSimulated, type Profile } from '../services/profiles';
import { viaAgencyText } from '../text';

/** "via agency X from Y", or undefined for a profile with its own keys. */
export function viaAgency(profile: Profile, profileName: (id: string) => string | undefined): string | undefined {
	const a = profile.kind === 'agency' ? profile.agency : undefined;
	if (!a) {
		return undefined;
	}
	const from = a.baseProfileId ? (profileName(a.baseProfileId) ?? vscode.l10n.t('a removed profile')) : vscode.l10n.t('its own keys');
	return viaAgencyText(a.agencyName, from);
}

export function profileItem(profile: Profile, active: boolean, profileName: (id: string) => string | undefined): vscode.TreeItem {
	const item = new vscode.TreeItem(safeText(profile.name, 'tree'), vscode.TreeItemCollapsibleState.Expanded);
	item.id = `profile/${profile.id}`;
	item.iconPath = new vscode.ThemeIcon(isSimulated(profile) ? 'beaker' : profile.kind === 'agency' ? 'organization' : 'account');
	const account = accountLabel(profile);
	const via = viaAgency(profile, profileName);
	const expiry = profile.temporary && profile.expiresAt ? vscode.l10n.t('expires {0}', new Date(profile.expiresAt).toLocaleString()) : undefined;
	item.description = safeText(
		[account ? vscode.l10n.t('account {0}', account) : undefined, via, isSimulated(profile) ? vscode.l10n.t('simulated') : undefined, active ? vscode.l10n.t('default') : undefined, expiry]
			.filter(Boolean)
			.join(' · '),
		'tree',
	);
	const md = new vscode.MarkdownString(undefined, false);
	md.isTrusted = false;
	md.supportHtml = false;
	const row = (label: string, value: string): void => {
		md.appendMarkdown(`**${label}:** `);
		md.appendText(safeText(value, 'markdown'));
		md.appendMarkdown('  \n');
	};
	md.appendMarkdown('**');
	md.appendText(safeText(profile.name, 'markdown'));
	md.appendMarkdown('**  \n');
	row(vscode.l10n.t('Account'), [profile.account?.name ?? profile.agency?.domainName, profile.account?.id ?? profile.agency?.domainId].filter(Boolean).join(' · ') || '—');
	if (via && profile.agency) {
		row(vscode.l10n.t('Keys'), `${via} · ${vscode.l10n.t('temporary, renewed in memory every {0} s', profile.agency.durationSeconds)}`);
	}
	item.tooltip = md;
	item.accessibilityInformation = { label: [profile.name, item.description].filter(Boolean).join(', ') };
	item.contextValue = profile.kind === 'agency' ? 'profile agencyProfile' : 'profile';
	return item;
}
