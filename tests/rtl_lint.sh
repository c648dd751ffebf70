#!/bin/sh
# Verilog lint: verilator --lint-only -Wall over atoll_core (every module of
# rtl/ is reachable from it) with the configuration in build/gen, plus a
# 16x16 array with deeper memories to keep the parameterisation honest,
# and with the simulation assertions compiled in (as hwsim builds it).
# Waivers, if any, live in rtl/atoll.vlt.  Usage: tests/rtl_lint.sh [GENDIR]
root=$(cd "$(dirname "$0")/.." && pwd)
gen=${1:-$root/build/gen}
VERILATOR=${VERILATOR:-verilator}
if [ ! -f "$gen/atoll_config.vh" ] || [ ! -f "$gen/atoll_isa.vh" ]; then
	make -C "$root" --no-print-directory gen >/dev/null || exit 1
fi
vlt=""
[ -f "$root/rtl/atoll.vlt" ] && vlt="$root/rtl/atoll.vlt"
status=0
lint() {
	echo "rtl_lint: atoll_core $*"
	$VERILATOR --lint-only -Wall -I"$gen" -I"$root/rtl" \
		--top-module atoll_core $vlt "$root"/rtl/*.sv "$@" || status=1
}
lint
lint -GROWS=16 -GCOLS=16 -GPSUM_DEPTH=4096 -GQUEUE_DEPTH=4
lint -DATOLL_ASSERT_ON --assert
[ $status -eq 0 ] && echo "rtl_lint: clean"
exit $status
