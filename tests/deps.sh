#!/bin/sh
# Install the Debian packages named on the command line when missing.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: apt-get not found; install these Debian 12 packages:$missing" >&2
	exit 1
fi
if ! $SUDO apt-get update -qq ||
   ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing; then
	echo "deps: could not install:$missing (need root or sudo and" \
		"access to Debian's archive)" >&2
	exit 1
fi
