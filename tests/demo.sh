#!/bin/sh
# make run: the ResNet-style model (tests/tool_gen_models: QDQ form,
# residual adds, max and global pooling, a fully connected head) compiled
# per operator (-O0) and over the whole model (-O2), run on the Verilator
# model of the RTL (sim backend), checked byte for byte against the
# independent reference, with the measured traffic equal to the
# prediction; outputs and counters printed.
set -e
build="$1"
atoll="$build/bin/atoll"
out="$build/demo"
rm -rf "$out"; mkdir -p "$out"
"$build/tests/tool_gen_models" "$out/models" >/dev/null
d="$out/models/resnet_s"
in=$("$build/tests/tool_onnx_io" "$d/model.onnx" | awk '$1=="input"{print $2}')
y=$("$build/tests/tool_onnx_io" "$d/model.onnx" | awk '$1=="output"{print $2}')
for opt in -O0 -O2; do
	echo "== atoll compile resnet_s $opt"
	"$atoll" compile "$d/model.onnx" -o "$out/resnet$opt.atb" $opt \
		--report "$out/compile$opt.json"
	echo "== atoll run --backend sim ($opt)"
	"$atoll" run "$out/resnet$opt.atb" --backend sim \
		--input "$in=$d/test_data_set_0/input_0.pb" \
		--expect "$y=$d/test_data_set_0/output_0.pb" --print \
		--check-traffic --report "$out/run$opt.json"
done
"$atoll" inspect "$out/resnet-O2.atb" | sed -n '/^optimizer/,/^$/p' | head -n 4
echo "== reports: $out/run-O0.json $out/run-O2.json"
