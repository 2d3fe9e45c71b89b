#!/usr/bin/env bash
# Install the packages as a user does, from their packed tarballs, into an empty project:
#   1. @pilot/core's tarball ALONE (no sibling package may be needed: the registry has none of
#      them) and `npx pilot run` a manifest using file, tcp and fifo readiness;
#   2. then every plugin tarball (one npm install) and a manifest using http readiness and
#      `control_server: http`, checked with `pilot status`.
# Needs dist/ (npm run build) and the npm registry for third-party dependencies (zod, ...).
# Everything lives in one temp directory, removed at exit. Usage: install-from-tarballs.sh [--keep]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/pilot-install.XXXXXX")"
pilot_pid=""
cleanup() {
  # Only the pilot this script started, by its pid; it stops its own children.
  if [[ -n "$pilot_pid" ]] && kill -0 "$pilot_pid" 2>/dev/null; then
    kill -TERM "$pilot_pid" 2>/dev/null || true
    wait "$pilot_pid" 2>/dev/null || true
  fi
  if [[ "${1:-}" == "--keep" ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap 'cleanup "${KEEP:-}"' EXIT
[[ "${1:-}" == "--keep" ]] && KEEP=--keep
fail() { echo "install-from-tarballs: $*" >&2; exit 1; }
step() { echo "install-from-tarballs: $*"; }

[[ -f "$repo/core/dist/bundle/plugin-ready-tcp.js" ]] || fail "core/dist/bundle is missing or old: run npm run build first"

step "packing core and every plugin"
mkdir -p "$work/tarballs" "$work/app"
workspaces=(-w core)
for dir in "$repo"/plugins/*/; do workspaces+=(-w "plugins/$(basename "$dir")"); done
(cd "$repo" && npm pack "${workspaces[@]}" --pack-destination "$work/tarballs" --silent >/dev/null)
core_tarball="$(ls "$work"/tarballs/pilot-core-*.tgz)"
for tarball in "$work"/tarballs/*.tgz; do
  listing="$(tar tzf "$tarball")"
  for needed in package/README.md package/LICENSE package/package.json; do
    grep -qx "$needed" <<<"$listing" || fail "$(basename "$tarball") lacks ${needed#package/}"
  done
  ! grep -E '(^|/)test/|\.test\.' <<<"$listing" || fail "$(basename "$tarball") ships tests"
  # A compiled file whose source is gone (tsc leaves it in dist/) must not be published.
  while read -r compiled; do
    source="${compiled#package/dist/}"; source="package/src/${source%.js}.ts"
    grep -qx "$source" <<<"$listing" || fail "$(basename "$tarball") ships $compiled but not $source: a stale build, rebuild from a clean dist/"
  done < <(grep -E '^package/dist/[^/]+(/[^/]+)*\.js$' <<<"$listing" | grep -v '^package/dist/bundle/')
done

step "installing $(basename "$core_tarball") alone into an empty project"
cd "$work/app"
npm init -y >/dev/null
npm install "$core_tarball" --no-audit --no-fund --loglevel=error >/dev/null
installed="$(ls node_modules/@pilot)"
[[ "$installed" == "core" ]] || fail "installing core alone brought other @pilot packages: $installed"

port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
cat > service.mjs <<'EOF'
// One service for every strategy: says it is ready the way READY_BY names, then idles.
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
const by = process.env.READY_BY;
if (by === 'file') writeFileSync('file.ready', 'ready\n');
if (by === 'fifo') writeFileSync(process.env.PILOT_READY_FIFO, 'ready\n');
if (by === 'tcp' || by === 'http') createServer((_, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => process.exit(0));
EOF
tcp_port="$(port)"
cat > builtins.yaml <<EOF
processes:
  - { name: by-file, path: node, args: [service.mjs], env: { READY_BY: file }, ready_strategy: file, ready_params: { path: file.ready } }
  - { name: by-tcp, path: node, args: [service.mjs], env: { READY_BY: tcp, PORT: "$tcp_port" }, ready_strategy: tcp, ready_params: { port: $tcp_port } }
  - { name: by-fifo, path: node, args: [service.mjs], env: { READY_BY: fifo }, ready_strategy: fifo, ready_params: { path: ready.fifo } }
EOF
step "npx pilot run builtins.yaml (file, tcp, fifo from core alone)"
npx --no-install pilot --version >/dev/null || fail "npx pilot --version failed"
timeout 60 npx --no-install pilot run builtins.yaml --stop-after 1 --no-color -o json > run-builtins.log ||
  { cat run-builtins.log >&2; fail "pilot run with file/tcp/fifo failed"; }
for name in by-file by-tcp by-fifo; do
  grep -qF "\"event\":\"ready\",\"process\":\"$name\"" run-builtins.log || { cat run-builtins.log >&2; fail "$name never became ready"; }
done

step "pilot validate: a first-party strategy that is not installed names its package"
printf 'processes:\n  - { name: web, path: node, args: [service.mjs], ready_strategy: http, ready_params: { port: 1 } }\n' > needs-http.yaml
if npx --no-install pilot validate needs-http.yaml > validate-http.log 2>&1; then fail "pilot validate accepted http readiness without its package"; fi
grep -qF 'ready_strategy "http" is provided by @pilot/plugin-ready-http: npm install @pilot/plugin-ready-http' validate-http.log ||
  { cat validate-http.log >&2; fail "the missing-package message does not name @pilot/plugin-ready-http"; }

step "installing every plugin tarball"
npm install "$work"/tarballs/*.tgz --no-audit --no-fund --loglevel=error >/dev/null
http_port="$(port)"
cat > plugins.yaml <<EOF
control_server: http
processes:
  - { name: web, path: node, args: [service.mjs], env: { READY_BY: http, PORT: "$http_port" }, ready_strategy: http, ready_params: { port: $http_port, host: 127.0.0.1 } }
EOF
step "pilot run plugins.yaml (http readiness, control_server: http), then pilot status"
node_modules/.bin/pilot run plugins.yaml --no-color > run-plugins.log 2>&1 &
pilot_pid=$!
deadline=$((SECONDS + 60))
until npx --no-install pilot status --manifest plugins.yaml > status.txt 2>&1 && grep -q "web.*ready\|web.*running" status.txt; do
  kill -0 "$pilot_pid" 2>/dev/null || { cat run-plugins.log >&2; fail "pilot run exited before web was ready"; }
  ((SECONDS < deadline)) || { cat status.txt run-plugins.log >&2; fail "pilot status never showed web ready within 60 s"; }
  sleep 0.2 # polling a condition with a deadline, not synchronisation by time
done
cat status.txt
kill -TERM "$pilot_pid"
wait "$pilot_pid" || { cat run-plugins.log >&2; fail "pilot run did not stop cleanly on SIGTERM"; }
pilot_pid=""
step "ok"
