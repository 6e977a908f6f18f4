# Sourced by the corpus scripts: ensure_packages [APT_OPTION...] -- PACKAGE... installs with apt-get (root) the
# packages that are not installed yet, updating the package lists once if the first try fails.
ensure_packages() {
  local options=() missing=() p
  while [[ $# -gt 0 && "$1" != "--" ]]; do options+=("$1"); shift; done
  shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  (( ${#missing[@]} )) || return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "${options[@]}" "${missing[@]}" >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y "${options[@]}" "${missing[@]}" >/dev/null; }
}
