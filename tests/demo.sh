#!/bin/sh
# make run: generate the demo model (a 3x3 QLinearConv, 20 -> 37 channels
# on 17x19, stride 2, asymmetric pads, per-channel scales, bias), compile
# it, run it on the functional model, check the output byte for byte
# against the independent reference, and print the counters.
set -e
build="$1"
atoll="$build/bin/atoll"
out="$build/demo"
case=qlinearconv_20to37_17x19_s2_pads
rm -rf "$out"; mkdir -p "$out"
"$build/tests/tool_gen_cases" "$out/cases" >/dev/null
d="$out/cases/$case"
set --
i=0
for n in $("$build/tests/tool_onnx_io" "$d/model.onnx" | awk '$1=="input"{print $2}'); do
	[ $i -eq 0 ] && first=$n || set -- "$@" --const "$n=$d/test_data_set_0/input_$i.pb"
	i=$((i + 1))
done
y=$("$build/tests/tool_onnx_io" "$d/model.onnx" | awk '$1=="output"{print $2}')
echo "== atoll compile $case"
"$atoll" compile "$d/model.onnx" -o "$out/demo.atb" "$@" \
	--report "$out/compile.json"
echo "== atoll run --backend ref"
"$atoll" run "$out/demo.atb" --backend ref \
	--input "$first=$d/test_data_set_0/input_0.pb" \
	--output "$y=$out/y.pb" --expect "$y=$d/test_data_set_0/output_0.pb" \
	--report "$out/run.json" --check-traffic
echo "== report: $out/run.json"
