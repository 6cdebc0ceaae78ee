/** Types for provision.mjs (used by the unit tests). */
export function cacheRoot(): string;
export function cleanNpmEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function ensureDebianPackages(pkgs: string[], why: string): void;
export function findChromium(): string | undefined;
export function ensureChromium(): string;
export function provisionCodeServer(): { dir: string; node: string; codeServer: string };
export function provision(): { dir: string; node: string; codeServer: string; chromium: string };
