#!/bin/sh
# Build build/hwsim/libatoll_hwsim.a: the Verilator model of atoll_core for
# the configuration in build/gen (make gen), the Verilator runtime and the
# harness of hwsim/hwsim.cpp, in one static archive.  Link it with
#   -lstdc++ -lz -lpthread   (see hwsim/hwsim.mk: HWSIM_LDLIBS)
# Rebuilds only when the configuration, rtl/ or hwsim/ changed (a stamp
# holds the checksum of every input).
# Environment: VERILATOR, CXX, JOBS (default 2), GEN, OUT.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN:-$root/build/gen}
out=${OUT:-$root/build/hwsim}
case $gen in /*) ;; *) gen=$(pwd)/$gen ;; esac
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
VERILATOR=${VERILATOR:-verilator}
CXX=${CXX:-g++}
JOBS=${JOBS:-2}

if [ ! -f "$gen/atoll_config.vh" ] || [ ! -f "$gen/atoll_isa.vh" ] ||
   [ ! -f "$gen/atoll_config.h" ] || [ ! -f "$gen/atoll_isa.h" ]; then
	make -C "$root" --no-print-directory gen
fi

sum=$(cat "$gen/atoll_config.vh" "$gen/atoll_isa.vh" "$gen/atoll_config.h" \
	"$gen/atoll_isa.h" "$root"/rtl/*.sv "$root"/rtl/*.vh \
	"$root"/hwsim/hwsim.cpp "$root"/hwsim/hwsim.h "$root"/hwsim/build.sh |
	cksum | cut -d' ' -f1)
if [ -f "$out/libatoll_hwsim.a" ] && [ -f "$out/stamp" ] &&
   [ "$(cat "$out/stamp")" = "$sum" ]; then
	echo "hwsim: $out/libatoll_hwsim.a is up to date"
	exit 0
fi

echo "hwsim: verilating atoll_core ($(sed -n 2p "$gen/atoll_config.vh" | \
	sed 's/^\/\/ //'))"
rm -rf "$out"
mkdir -p "$out/obj"
vlt=""
[ -f "$root/rtl/atoll.vlt" ] && vlt="$root/rtl/atoll.vlt"
$VERILATOR --cc --build -j "$JOBS" --top-module atoll_core \
	--prefix Vatoll_core --Mdir "$out/obj" \
	-I"$gen" -I"$root/rtl" --trace-fst --assert -DATOLL_ASSERT_ON \
	-O3 --x-assign fast --x-initial fast --no-timing \
	-CFLAGS "-O2" -MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2" \
	$vlt "$root"/rtl/*.sv >"$out/verilator.log" 2>&1 || {
		cat "$out/verilator.log"; exit 1; }

make -C "$out/obj" -f Vatoll_core.mk -j "$JOBS" OPT_FAST=-O2 OPT_SLOW=-O1 \
	OPT_GLOBAL=-O2 verilated.o verilated_fst_c.o verilated_threads.o \
	>>"$out/verilator.log" 2>&1 || { cat "$out/verilator.log"; exit 1; }

vroot=$($VERILATOR --getenv VERILATOR_ROOT)
$CXX -std=c++17 -O2 -Wall -Wextra -c "$root/hwsim/hwsim.cpp" \
	-I"$out/obj" -isystem "$vroot/include" -isystem "$vroot/include/vltstd" \
	-I"$gen" -I"$root/hwsim" -DVM_TRACE=1 -DVM_TRACE_FST=1 \
	-o "$out/obj/hwsim.o"

rm -f "$out/libatoll_hwsim.a"
(cd "$out/obj" && mkdir -p ar && cd ar && ar x ../Vatoll_core__ALL.a)
ar rcs "$out/libatoll_hwsim.a" "$out"/obj/ar/*.o "$out"/obj/verilated*.o \
	"$out/obj/hwsim.o"
echo "$sum" >"$out/stamp"
echo "hwsim: built $out/libatoll_hwsim.a"
