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
here=$(dirname "$0")
OPT=-O0 sh "$here/conformance.sh" "$build" ref "$@" | sed '$d' >"$build/models.O0.log"
s0=$?
OPT=-O2 sh "$here/conformance.sh" "$build" ref "$@" >"$build/models.O2.log"
cat "$build/models.O0.log" "$build/models.O2.log" | grep -Ev "passed, [0-9]+ failed$"
p=$(grep -c '^ok' "$build/models.O0.log" "$build/models.O2.log" | awk -F: '{s+=$2} END {print s}')
f=$(grep -c '^FAIL' "$build/models.O0.log" "$build/models.O2.log" | awk -F: '{s+=$2} END {print s}')
echo "$p passed, $f failed"
[ "$f" -eq 0 ] && [ "$s0" -eq 0 ]
