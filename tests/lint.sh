#!/bin/sh
# Static checks.  C: the build itself is -Wall -Wextra -Werror -Wshadow;
# cppcheck adds its warnings when installed.  Verilog: verilator
# --lint-only -Wall over rtl/ when RTL exists (tests/rtl_lint.sh).
gen="$1"
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
if command -v cppcheck >/dev/null 2>&1; then
	echo "lint: cppcheck"
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--std=c11 --inline-suppr -I "$root/firmware" -I "$root/compiler" \
		-I "$root/host" -I "$gen" "$root/firmware" "$root/compiler" \
		"$root/host" || status=1
else
	echo "lint: cppcheck not installed, skipping C static analysis"
fi
if [ -f "$root/tests/rtl_lint.sh" ] && ls "$root"/rtl/*.sv \
		>/dev/null 2>&1; then
	echo "lint: verilator --lint-only -Wall"
	sh "$root/tests/rtl_lint.sh" || status=1
fi
[ $status -eq 0 ] && echo "lint: clean"
exit $status
