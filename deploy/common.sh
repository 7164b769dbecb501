# shellcheck shell=bash
# Shared by quickstart.sh and test.sh (sourced, not run): the virtual
# environment at the top of the checkout, Trato's editable install into it,
# and the translation catalogues compiled from their .po files.
#
# The caller sets ROOT (the checkout) before sourcing this file.

VENV="$ROOT/.venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

say() { printf '==> %s\n' "$*"; }
fail() { printf 'Error: %s\n' "$*" >&2; exit 1; }

# The first Python 3.11 or newer: $PYTHON if set, else the newest python3.x on PATH.
find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.14 python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    if [[ -x "$VENV/bin/python" ]]; then
        "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
            fail "$VENV uses a Python older than 3.11; remove it and run again"
        return 0
    fi
    local python
    python="$(find_python)" || fail "Trato needs Python 3.11 or newer (set PYTHON=/path/to/python3.11 if it is not on PATH)"
    say "Creating $VENV with $("$python" --version)"
    "$python" -m venv "$VENV" ||
        fail "could not create $VENV (on Debian or Ubuntu: apt-get install python3-venv)"
}

# The first-party plugins: every plugins/<area>/ that is a Python project.
plugin_dirs() {
    local dir
    for dir in "$ROOT"/plugins/*/; do
        [[ -f "$dir/pyproject.toml" ]] && printf '%s\n' "${dir%/}"
    done
    return 0
}

# Install the core (with EXTRAS, e.g. "[test]") and every plugin in editable
# mode. A stamp in the venv remembers what was installed, so that a second run
# costs nothing until a pyproject.toml changes or a plugin comes or goes.
install_trato() {
    local extras="$1" dirs=() args=() stamp want
    mapfile -t dirs < <(plugin_dirs)
    args=(-e "$ROOT$extras")
    for dir in "${dirs[@]}"; do args+=(-e "$dir"); done
    want="$(cat "$ROOT/pyproject.toml" "${dirs[@]/%//pyproject.toml}" | sha256sum | cut -d' ' -f1) ${dirs[*]}"
    stamp="$VENV/.trato-installed${extras:+-${extras//[^a-z]/}}"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        say "Trato and ${#dirs[@]} plugin(s) already installed in $VENV"
        return 0
    fi
    say "Installing Trato${extras} and ${#dirs[@]} plugin(s) into $VENV"
    "$VENV/bin/python" -m pip install --quiet "${args[@]}" </dev/null
    if [[ -n "$extras" ]]; then
        # Then each plugin's own extras of that name (a plugin's test tools). Apart: in one command pip
        # cannot find a plugin required by another listed before it once extras are asked for.
        args=()
        for dir in "${dirs[@]}"; do args+=(-e "$dir$extras"); done
        "$VENV/bin/python" -m pip install --quiet "${args[@]}" </dev/null
    fi
    printf '%s\n' "$want" >"$stamp"
}

# Compile the core's and the plugins' translation catalogues whose .mo is missing or stale.
compile_catalogues() {
    local dirs=()
    mapfile -t dirs < <(plugin_dirs)
    "$VENV/bin/python" "$ROOT/deploy/compile_catalogues.py" "${dirs[@]}"
}
