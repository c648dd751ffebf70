#!/bin/sh
# The ONNX backend node tests of the vertical slice (Debian's
# libonnx-testdata) and the generated larger cases (tests/tool_gen_cases,
# expected outputs from its independent reference), bit-exact on ref.
build="$1"
data=/usr/share/libonnx-testdata/data/node
cases="$build/cases"
if [ ! -f "$cases/.done" ] || [ "$build/tests/tool_gen_cases" -nt "$cases/.done" ]; then
	rm -rf "$cases"
	"$build/tests/tool_gen_cases" "$cases" >/dev/null || exit 1
	touch "$cases/.done"
fi
set --
for t in test_qlinearmatmul_2D test_qlinearmatmul_3D test_qlinearconv \
	test_matmulinteger test_convinteger_with_padding \
	test_convinteger_without_padding test_basic_convinteger \
	test_quantizelinear test_quantizelinear_axis test_dequantizelinear \
	test_dequantizelinear_axis; do
	set -- "$@" "$data/$t"
done
for d in "$cases"/*/; do
	set -- "$@" "${d%/}"
done
exec sh "$(dirname "$0")/conformance.sh" "$build" ref "$@"
