// Types for codeServer.mjs (plain JavaScript so the launcher runs without a build step).
import type { Browser, BrowserContext } from 'playwright-core';

export interface CodeServer {
	port: number;
	url: string;
	/** What the login page asks for (random unless given). */
	password: string;
	logs(): string;
	stop(): Promise<void>;
}
export function freePort(): Promise<number>;
export function startCodeServer(options: {
	runDir: string;
	folder: string;
	vsix?: string;
	extraVsix?: string[];
	locale?: string;
	settings?: Record<string, unknown>;
	smokeTestDriver?: boolean;
	port?: number;
	password?: string;
	extraArgs?: string[];
	/** The folder opens untrusted (Restricted Mode), with no question; otherwise workspace trust is off. */
	workspaceTrust?: boolean;
}): Promise<CodeServer>;
export function logIn(context: BrowserContext, server: CodeServer): Promise<void>;
export function launchBrowser(options?: { locale?: string }): Promise<Browser>;
export function testPayloadUrl(server: CodeServer, options: { folder: string; extensionDevelopmentPaths?: string[]; extensionTestsPath?: string; env?: Record<string, string> }): string;
