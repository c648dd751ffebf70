#!/bin/sh
# Synthesize atoll_core with Yosys for iCE40 (synth_ice40 -dsp) and
# Xilinx 7-series (synth_xilinx -flatten), with the configuration in
# build/gen.
# Fails on any Yosys error and on inferred latches; prints the resource
# summary of each flow.  Logs: build/synth/{ice40,xilinx}.log
# Usage: tests/rtl_synth.sh [ice40|xilinx]...   (default: both)
root=$(cd "$(dirname "$0")/.." && pwd)
gen=$root/build/gen
out=$root/build/synth
YOSYS=${YOSYS:-yosys}
if [ ! -f "$gen/atoll_config.vh" ] || [ ! -f "$gen/atoll_isa.vh" ]; then
	make -C "$root" --no-print-directory gen >/dev/null || exit 1
fi
mkdir -p "$out"
flows=${*:-ice40 xilinx}
status=0
for flow in $flows; do
	case $flow in
	ice40)  cmd="synth_ice40 -dsp -top atoll_core" ;;
	xilinx) cmd="synth_xilinx -flatten -family xc7 -top atoll_core" ;;
	*) echo "rtl_synth: unknown flow $flow"; exit 2 ;;
	esac
	log=$out/$flow.log
	echo "rtl_synth: $flow ($cmd)"
	$YOSYS -p "read_verilog -sv -I$gen -I$root/rtl $root/rtl/*.sv; \
		$cmd; tee -o $out/$flow.stat stat" >"$log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		grep -E "ERROR" "$log" | head -5
		echo "rtl_synth: $flow failed (see $log)"
		status=1
		continue
	fi
	if grep -qE "^Latch inferred" "$log" ||
	    grep -qiE "dlatch|SB_LATCH|LDCE|LDPE" "$out/$flow.stat"; then
		grep -E "^Latch inferred" "$log" | head -5
		echo "rtl_synth: $flow infers latches"
		status=1
	fi
	awk '/Number of cells/ { blk = ""; on = 1 } on { blk = blk $0 "\n" }
		on && /^$/ { on = 0; last = blk } END { printf "%s", last }' \
		"$out/$flow.stat"
done
[ $status -eq 0 ] && echo "rtl_synth: ok"
exit $status
