#!/bin/sh
# The generated CNNs and MLP (tests/tool_gen_models: ResNet-, Inception-,
# MobileNet-style and an MLP in QDQ form, and a ResNet block in operator
# form with DequantizeLinear -> Add/Relu -> QuantizeLinear islands),
# bit-exact on ref against the generator's independent reference, with
# the predicted traffic equal to the measured one.
build="$1"
models="$build/models"
if [ ! -f "$models/.done" ] || [ "$build/tests/tool_gen_models" -nt "$models/.done" ]; then
	rm -rf "$models"
	"$build/tests/tool_gen_models" "$models" >/dev/null || exit 1
	touch "$models/.done"
fi
set --
for d in "$models"/*/; do
	set -- "$@" "${d%/}"
done
exec sh "$(dirname "$0")/conformance.sh" "$build" ref "$@"
