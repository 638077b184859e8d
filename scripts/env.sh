# Sourced by the scripts: puts the Swift toolchain and the project's Python environment on PATH.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
export PATH="$PWD/.venv/bin:$PATH"
