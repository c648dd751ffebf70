#!/bin/sh
# Run every test binary; each prints a closing 'N passed, N failed' line.
# Sum them into one closing line and fail if any test failed.
build="$1"; shift
tp=0; tf=0; status=0
for t in "$@"; do
	name=$(basename "$t")
	case "$t" in
	*.sh) out=$(sh "$t" "$build" 2>&1); rc=$? ;;
	*) out=$("$t" 2>&1); rc=$? ;;
	esac
	printf '%s\n' "$out" | grep -E "FAIL|passed, " | sed "s/^/[$name] /"
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		echo "[$name] no closing line (exit $rc)"; tf=$((tf + 1)); status=1; continue
	fi
	p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
	tp=$((tp + p)); tf=$((tf + f))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then status=1; fi
done
echo "$tp passed, $tf failed"
exit $status
