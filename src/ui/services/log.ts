// The one LogOutputChannel, "SDRS", and the small Logger interface the core receives.
import * as vscode from 'vscode';
import type { Logger } from '../../core/http';

export function createLog(context: vscode.ExtensionContext): { channel: vscode.LogOutputChannel; logger: Logger } {
	const channel = vscode.window.createOutputChannel('SDRS', { log: true });
	context.subscriptions.push(channel);
	const logger: Logger = {
		info: (m) => channel.info(m),
		warn: (m) => channel.warn(m),
		error: (m) => channel.error(m),
		debug: (m) => channel.debug(m),
	};
	return { channel, logger };
}
