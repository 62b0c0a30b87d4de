#!/bin/sh
# Installs the Debian packages the test suite needs and are missing.
# Each line of REQUIRED is "command package": the package is installed when
# the command is not found. The native backend needs opt and llc (LLVM 14,
# Debian's llvm) and cc (gcc); the FPGA backend's tests run the core's RTL on
# verilator and iverilog, and snnc build --target=fpga reports yosys's costs.
# The NIR tests check files with h5dump (hdf5-tools) and with h5py under
# Debian's /usr/bin/python3 (python3-h5py), not whatever python3 is first on
# PATH. The MPI tests build with mpicc (libopenmpi-dev) and run mpirun
# (openmpi-bin).
set -eu

REQUIRED="
opt llvm
llc llvm
cc gcc
ar binutils
verilator verilator
iverilog iverilog
yosys yosys
h5dump hdf5-tools
mpicc libopenmpi-dev
mpirun openmpi-bin
"

missing=""
for pair in $(printf '%s' "$REQUIRED" | tr ' ' ':'); do
	cmd=${pair%%:*}
	pkg=${pair#*:}
	command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
done
/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1 || missing="$missing python3-h5py"

if ! command -v go >/dev/null 2>&1; then
	echo "install-deps: go is not on PATH; install Go 1.26 from https://go.dev/dl/" >&2
	exit 1
fi

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing; run as root or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "install-deps: installing$missing"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
