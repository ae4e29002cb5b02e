#!/usr/bin/env bash
# `make run`: a local OpenCode server (offline, with the demo model unless MODEL is set)
# and the proxy in front of it on 127.0.0.1:$PORT, the local server as the default target.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PORT:-8888}
OPENCODE_PORT=${OPENCODE_PORT:-4096}
DEMO_MODEL_PORT=${DEMO_MODEL_PORT:-4097}
PREFIX=${PREFIX:-/}
WORKSPACE=${WORKSPACE:-$here/.run/workspace}
PYTHON=${PYTHON:-$here/.venv/bin/python}
OPENCODE=$here/tools/opencode/node_modules/.bin/opencode

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for pair in "PORT=$PORT" "OPENCODE_PORT=$OPENCODE_PORT" "DEMO_MODEL_PORT=$DEMO_MODEL_PORT"; do
  if in_use "${pair#*=}"; then
    echo "make run: port ${pair#*=} (${pair%%=*}) is already in use on 127.0.0.1." >&2
    echo "Stop what uses it, or choose another: make run ${pair%%=*}=<free port>" >&2
    exit 1
  fi
done

mkdir -p "$WORKSPACE" "$here/.run/home"
if [ -z "$(ls -A "$WORKSPACE")" ]; then
  # A small git project for the demo model's tour to read, run and edit (the diffs and
  # Revert need git); kept between runs, so the user's own changes stay.
  "$PYTHON" -c 'import sys; from tools.opencode_server import DEMO_HELLO; sys.stdout.write(DEMO_HELLO)' \
    >"$WORKSPACE/hello.py"
  printf '# Demo project\n\nA tiny project for the offline demo model to work on.\n' >"$WORKSPACE/README.md"
  git -C "$WORKSPACE" init -q
  git -C "$WORKSPACE" add -A
  git -C "$WORKSPACE" -c user.name=demo -c user.email=demo@localhost commit -qm "Demo project"
fi
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# OpenCode calls nobody: no model catalogue, updates, LSP downloads or sharing.
export OPENCODE_DISABLE_MODELS_FETCH=1 OPENCODE_DISABLE_AUTOUPDATE=1 \
  OPENCODE_DISABLE_LSP_DOWNLOAD=1 OPENCODE_DISABLE_SHARE=1

if [ -z "${MODEL:-}" ]; then
  # A scripted, deterministic demo model on loopback (tools/fake_model), so a chat works
  # with no API key and no network: a task prompt gets the tour (todo list, reads, a
  # command, one that asks permission, an edit, a markdown answer); plain chat a sentence.
  (cd "$here" && exec "$PYTHON" -m tools.fake_model --port "$DEMO_MODEL_PORT" --demo) &
  pids+=($!)
  export OPENCODE_CONFIG_CONTENT="{\"model\":\"demo/demo-model\",\"small_model\":\"demo/demo-model\",\"enabled_providers\":[\"demo\"],\"permission\":{\"bash\":{\"*\":\"allow\",\"rm *\":\"ask\"}},\"provider\":{\"demo\":{\"name\":\"Demo (offline)\",\"npm\":\"@ai-sdk/openai-compatible\",\"options\":{\"baseURL\":\"http://127.0.0.1:$DEMO_MODEL_PORT/v1\",\"apiKey\":\"demo\"},\"models\":{\"demo-model\":{\"name\":\"Demo model\",\"limit\":{\"context\":128000,\"output\":8192},\"attachment\":true,\"modalities\":{\"input\":[\"text\",\"image\",\"pdf\"],\"output\":[\"text\"]},\"variants\":{\"low\":{\"reasoningEffort\":\"low\"},\"high\":{\"reasoningEffort\":\"high\"}}}}}}}"
  # Keep the demo's sessions apart from the user's own OpenCode data.
  export XDG_DATA_HOME=$here/.run/home/data XDG_STATE_HOME=$here/.run/home/state
else
  export OPENCODE_CONFIG_CONTENT="{\"model\":\"$MODEL\"}"
fi

(cd "$WORKSPACE" && exec "$OPENCODE" serve --hostname 127.0.0.1 --port "$OPENCODE_PORT") &
pids+=($!)
for _ in $(seq 1 100); do
  if curl -fsS --max-time 2 "http://127.0.0.1:$OPENCODE_PORT/global/health" >/dev/null 2>&1; then break; fi
  sleep 0.2
done

echo "opencode-proxy: open http://127.0.0.1:$PORT${PREFIX%/}/  (Ctrl-C stops everything)" >&2
"$PYTHON" -m opencode_proxy --host 127.0.0.1 --port "$PORT" --prefix "$PREFIX" \
  --allow "127.0.0.1:$OPENCODE_PORT" --server "Local OpenCode=http://127.0.0.1:$OPENCODE_PORT" \
  --log-format console &
pids+=($!)
wait -n "${pids[@]}"
