// The one LogOutputChannel, "SDRS", and the small Logger interface the core receives.
import * as vscode from 'vscode';
import { redactSecrets } from '../../core/http';
import type { Logger } from '../../core/logger';
import { safeText } from '../../core/safeText';

/** The log as the commands hold it: every line cleaned, and the channel shown on demand. */
export type CommandLog = Logger & { show(preserveFocus?: boolean): void };

export function createLog(context: vscode.ExtensionContext): { channel: vscode.LogOutputChannel; logger: CommandLog } {
	const channel = vscode.window.createOutputChannel('SDRS', { log: true });
	context.subscriptions.push(channel);
	// Server text reaches the log too: no control or bidi characters, no quoted security token.
	const clean = (m: string): string => safeText(redactSecrets(m), 'log');
	const logger: CommandLog = {
		info: (m) => channel.info(clean(m)),
		warn: (m) => channel.warn(clean(m)),
		error: (m) => channel.error(clean(m)),
		debug: (m) => channel.debug(clean(m)),
		show: (preserveFocus) => channel.show(preserveFocus),
	};
	return { channel, logger };
}
