#!/usr/bin/env bash
# Runs a command in the checkout on a fresh-machine copy of this one, to prove the README's commands bring what
# they need: a throwaway overlay of / in private mount and PID namespaces, where the Debian packages the tests use
# (PostgreSQL, Chromium, PgBouncer, clickhouse-server, and what only they pulled in) are purged and the postgres OS
# user is gone, as on a machine that never had them. Whatever the command installs lands in the overlay and is
# discarded at exit; the checkout and npm's cache are the real directories. Needs root (CI runs as root).
# Usage: scripts/fresh-machine.sh <command...>
set -euo pipefail
checkout="$(cd "$(dirname "$0")/.." && pwd)"
((EUID == 0)) || { echo "fresh-machine: needs root (mount namespace, overlay, chroot)" >&2; exit 1; }

layer="$(mktemp -d /tmp/fresh-machine.XXXXXX)"
trap 'rmdir "$layer"' EXIT
cache="$(npm config get cache)"
mkdir -p "$cache"

# On the fresh machine: purge the packages, check they are gone, run the command in the checkout.
read -r -d '' fresh <<'FRESH' || true
cd "$1"
shift
export DEBIAN_FRONTEND=noninteractive
# No service starts or stops in here (there is no init); a server package's postinst only installs it.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod +x /usr/sbin/policy-rc.d
mapfile -t packages < <(dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' | awk '$1 ~ /^[ih]i/ && $2 ~ /^(postgresql|chromium|pgbouncer|clickhouse)/ { print $2 }')
echo "fresh-machine: purging ${packages[*]:-nothing}"
((${#packages[@]} == 0)) || apt-get purge -y -qq "${packages[@]}" >/dev/null
apt-get autoremove --purge -y -qq >/dev/null
! id postgres >/dev/null 2>&1 || userdel postgres
present=()
for path in /usr/lib/postgresql /usr/bin/initdb /usr/bin/pg_ctl /usr/bin/chromium /usr/sbin/pgbouncer /usr/sbin/clickhouse-server; do
  [ ! -e "$path" ] || present+=("$path")
done
if ((${#present[@]})); then echo "fresh-machine: still present after the purge: ${present[*]}" >&2; exit 1; fi
echo "fresh-machine: no PostgreSQL server, Chromium, PgBouncer or clickhouse-server, no postgres user; running: $*"
"$@"
FRESH

# In the namespaces: the overlay, and bind mounts of the checkout and npm's cache. All vanish with the namespaces,
# and so does every process still running (PID namespace).
read -r -d '' inside <<'INSIDE' || true
layer=$1 checkout=$2 cache=$3 fresh=$4
shift 4
mount -t tmpfs fresh-machine "$layer"
mkdir "$layer/upper" "$layer/work" "$layer/root"
mount -t overlay fresh-machine -o "lowerdir=/,upperdir=$layer/upper,workdir=$layer/work" "$layer/root"
root=$layer/root
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
mount -t tmpfs tmp "$root/tmp"
mkdir -p "$root$checkout" "$root$cache"
mount --bind "$checkout" "$root$checkout"
mount --bind "$cache" "$root$cache"
exec chroot "$root" /bin/bash -euo pipefail -c "$fresh" fresh-machine "$checkout" "$@"
INSIDE

unshare --mount --pid --fork --propagation private /bin/bash -euo pipefail -c "$inside" fresh-machine "$layer" "$checkout" "$cache" "$fresh" "$@" </dev/null
