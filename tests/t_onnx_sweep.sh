#!/bin/sh
# Every ONNX backend node test in Debian's libonnx-testdata: compile it
# (binding every graph input but the first as a constant), and when the
# compiler accepts it, run it on ref and compare every output byte for
# byte.  Cases the compiler rejects are listed with its reason; a rejected
# case is not a failure, a wrong or crashing accepted one is.
build="$1"
data=/usr/share/libonnx-testdata/data/node
atoll="$build/bin/atoll"; io="$build/tests/tool_onnx_io"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
report="$build/onnx_sweep.txt"
pass=0; fail=0; unsup=0
: >"$report"
for dir in "$data"/*/; do
	dir=${dir%/}; name=$(basename "$dir"); d="$dir/test_data_set_0"
	[ -f "$dir/model.onnx" ] && [ -d "$d" ] || continue
	ins=$("$io" "$dir/model.onnx" 2>/dev/null | awk '$1=="input"{print $2}')
	outs=$("$io" "$dir/model.onnx" 2>/dev/null | awk '$1=="output"{print $2}')
	set --; first=""; i=0
	for n in $ins; do
		if [ $i -eq 0 ]; then first="$n"
		elif [ -f "$d/input_$i.pb" ]; then set -- "$@" --const "$n=$d/input_$i.pb"; fi
		i=$((i + 1))
	done
	"$atoll" compile "$dir/model.onnx" -o "$tmp/m.atb" "$@" \
		>"$tmp/log" 2>&1; rc=$?
	if [ $rc -ge 2 ]; then
		echo "FAIL $name: compiler exit status $rc"; fail=$((fail + 1))
		sed 's/^/    /' "$tmp/log" | tail -n 3; continue
	fi
	if [ $rc -ne 0 ]; then
		unsup=$((unsup + 1))
		echo "unsupported $name: $(tail -n 1 "$tmp/log" | sed 's/^atoll compile: [^:]*: //')" >>"$report"
		continue
	fi
	set -- --input "$first=$d/input_0.pb"; i=0
	for n in $outs; do set -- "$@" --expect "$n=$d/output_$i.pb"; i=$((i + 1)); done
	if "$atoll" run "$tmp/m.atb" "$@" --check-traffic >"$tmp/log" 2>&1; then
		echo "ok   $name"; pass=$((pass + 1))
	else
		echo "FAIL $name"; sed 's/^/    /' "$tmp/log" | tail -n 6
		fail=$((fail + 1))
	fi
done
echo "ONNX node tests: $pass bit-exact on ref, $unsup unsupported (reasons in $report)"
sed 's/^unsupported [^:]*: //' "$report" | sed -E "s/'[^']*'/'…'/g" | sort | uniq -c | sort -rn | head -n 12
# The tests atoll supports must stay supported: a regression that made the
# compiler reject them would otherwise only move them to the list above.
for t in test_basic_convinteger test_convinteger_with_padding \
	test_convinteger_without_padding test_matmulinteger \
	test_maxpool_2d_uint8 test_qlinearconv test_qlinearmatmul_2D \
	test_qlinearmatmul_3D test_quantizelinear test_quantizelinear_axis \
	test_dequantizelinear test_dequantizelinear_axis; do
	if grep -q "^unsupported $t:" "$report"; then
		echo "FAIL $t is no longer supported"; fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
