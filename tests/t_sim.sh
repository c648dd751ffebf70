#!/bin/sh
# The same end-to-end cases on the Verilator model of the RTL (sim
# backend): the ONNX conformance cases of the vertical slice, the
# generated larger cases, and the generated models at -O0 and -O2; every
# output byte for byte and every traffic counter equal to the prediction
# (which the ref runs check against the functional model too).
build="$1"
here=$(dirname "$0")
data=/usr/share/libonnx-testdata/data/node
[ -f "$build/cases/.done" ] || sh "$here/t_conformance.sh" "$build" >/dev/null
[ -f "$build/models/.done" ] || sh "$here/t_models.sh" "$build" >/dev/null
set --
for t in test_qlinearmatmul_2D test_qlinearmatmul_3D test_qlinearconv \
	test_matmulinteger test_convinteger_with_padding \
	test_convinteger_without_padding test_basic_convinteger \
	test_quantizelinear test_quantizelinear_axis test_dequantizelinear \
	test_dequantizelinear_axis; do
	set -- "$@" "$data/$t"
done
for d in "$build"/cases/*/; do set -- "$@" "${d%/}"; done
sh "$here/conformance.sh" "$build" sim "$@" >"$build/sim.cases.log"
set --
for d in "$build"/models/*/; do set -- "$@" "${d%/}"; done
OPT=-O0 sh "$here/conformance.sh" "$build" sim "$@" >"$build/sim.O0.log"
OPT=-O2 sh "$here/conformance.sh" "$build" sim "$@" >"$build/sim.O2.log"
# The same -O2 programs under other device-memory timings (latency 1 and
# 97 cycles, 1 byte per cycle): a dependence the compiler failed to
# synchronise would show as a race here.
ATOLL_SIM_LATENCY=1 OPT=-O2 sh "$here/conformance.sh" "$build" sim "$@" |
	sed 's/^\(ok  \|FAIL\) \(.*\)/\1 \2 latency 1/' >"$build/sim.lat1.log"
ATOLL_SIM_LATENCY=97 ATOLL_SIM_BANDWIDTH=1 OPT=-O2 \
	sh "$here/conformance.sh" "$build" sim "$@" |
	sed 's/^\(ok  \|FAIL\) \(.*\)/\1 \2 latency 97, 1 B\/cycle/' \
	>"$build/sim.lat97.log"
logs="$build/sim.cases.log $build/sim.O0.log $build/sim.O2.log
	$build/sim.lat1.log $build/sim.lat97.log"
# shellcheck disable=SC2086
cat $logs | grep -Ev "passed, [0-9]+ failed$"
# shellcheck disable=SC2086
p=$(cat $logs | grep -c '^ok'); f=$(cat $logs | grep -c '^FAIL')
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
