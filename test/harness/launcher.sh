#!/bin/sh
# vscodeExecutablePath for @vscode/test-electron: runs the suites in code-server + Chromium.
exec node "$(dirname "$0")/launcher.mjs" "$@"
