# What the VM test runners (run-usbvm.sh, run-gpiovm.sh) share: the work
# dir, the kernel cache, the tool checks, and booting a guest script with the
# usb-vm recipe (../shared/recipes/usb-vm) and reporting its result.
# Sourced, not run.
# Network safety: the guest has no network device at all.
#
# Work dirs: each run has its own (mktemp -d, ${TMPDIR:-/tmp}/twincam-NAME.XXXXXX),
# removed when the runner exits (also on failure, SIGINT, SIGTERM, SIGHUP),
# so runs from several checkouts at once never share their guest script,
# out/ or console log. A WORK_DIR given on the command line is used as it is
# and kept. What is slow to get and the same for every run (the kernel
# package, the kernel the recipe unpacked from it, the initramfs it built,
# run-gpiovm.sh's gpio-sim.ko) lives in a cache shared by all runs,
# ${USBVM_CACHE:-${TMPDIR:-/tmp}/twincam-vm-cache}, written only under its
# lock (flock) and only whole (built elsewhere, then renamed in).

# vm_setup NAME BUILD_DIR WORK_DIR TOOL...: sets HERE, ROOT, BUILD, W, CACHE,
# RECIPE; exits 77 (skip) when a tool or the recipe is missing.
vm_setup() {
  VM_NAME=$1; shift
  HERE=$(cd "$(dirname "$0")" && pwd)
  ROOT=$(cd "$HERE/../.." && pwd)
  BUILD=$(cd "${1:-$ROOT/build}" && pwd)
  VM_WORK_ARG=${2:-}
  shift 2
  RECIPE=${USBVM_RECIPE:-$ROOT/../shared/recipes/usb-vm}
  for t in "$@"; do
    command -v $t >/dev/null 2>&1 || [ -x /usr/sbin/$t ] || { echo "run-$VM_NAME: $t missing (scripts/install-deps.sh)"; exit 77; }
  done
  [ -x "$RECIPE/run-u3v-vm.sh" ] || { echo "run-$VM_NAME: no recipe at $RECIPE"; exit 77; }
  [ -x "$BUILD/twincam" ] || { echo "run-$VM_NAME: no $BUILD/twincam"; exit 1; }
  CACHE=${USBVM_CACHE:-${TMPDIR:-/tmp}/twincam-vm-cache}
  mkdir -p "$CACHE" && CACHE=$(cd "$CACHE" && pwd -P)
  W="" VM_PID=""
  trap vm_cleanup EXIT
  trap 'vm_stop; exit 130' INT
  trap 'vm_stop; exit 143' TERM
  trap 'vm_stop; exit 129' HUP
  if [ -n "$VM_WORK_ARG" ]; then
    mkdir -p "$VM_WORK_ARG" && W=$(cd "$VM_WORK_ARG" && pwd -P)
  else
    W=$(mktemp -d "${TMPDIR:-/tmp}/twincam-$VM_NAME.XXXXXX") && W=$(cd "$W" && pwd -P)
  fi
  # The recipe's initramfs builder nests modules under their full host path,
  # and depmod skips directories named build or source: such a work dir
  # (or cache) boots a guest without modules.
  for d in "$W" "$CACHE"; do
    case "/$d/" in
      */build/*|*/source/*) echo "run-$VM_NAME: $d has a 'build' or 'source' component; use another"; exit 1 ;;
    esac
  done
  mkdir -p "$W/out"
}

# The EXIT trap: remove this run's work dir (not one named on the command
# line, nor with USBVM_KEEP=1, which says where it is).
vm_cleanup() {
  rc=$?
  if [ -n "$W" ] && [ -z "$VM_WORK_ARG" ]; then
    if [ "${USBVM_KEEP:-0}" = 1 ]; then echo "run-$VM_NAME: work dir kept: $W"; else rm -rf "$W"; fi
  fi
  exit $rc
}

# On INT/TERM/HUP during a boot: end the recipe and what it started (its
# `timeout`, in a process group of its own, passes the signal on to QEMU).
vm_stop() {
  [ -n "$VM_PID" ] || return 0
  for p in $(pgrep -P "$VM_PID" 2>/dev/null); do kill -TERM "$p" 2>/dev/null; done
  kill -TERM "$VM_PID" 2>/dev/null
  wait "$VM_PID" 2>/dev/null
  VM_PID=""
}

# vm_locked COMMAND...: run COMMAND holding the cache's lock.
vm_locked() {
  ( flock 9 && "$@" ) 9>"$CACHE/.lock"
}

# vm_kernel: sets PKG (the kernel package the recipe boots: linux-image-amd64's
# dependency) and puts it into W, from the cache (downloaded into the cache
# with apt-get download on first use). When the cache holds the kernel and
# initramfs a run of the recipe made from it, W links to them and the recipe
# skips unpacking. Exits 77 when the package is not to be had (offline).
vm_kernel() {
  PKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  [ -n "$PKG" ] || { echo "run-$VM_NAME: no linux-image-amd64 in apt's lists"; exit 77; }
  vm_locked vm_download "$PKG" || { echo "run-$VM_NAME: cannot download $PKG"; exit 77; }
  if [ -e "$W/kernel" ] || [ -L "$W/kernel" ]; then
    : # a work dir named on the command line that has one already
  elif [ -d "$CACHE/kernel-$PKG" ] && [ -f "$CACHE/initrd-$PKG.cpio.gz" ]; then
    ln -s "$CACHE/kernel-$PKG" "$W/kernel"
    rm -f "$W/initrd.cpio.gz" && ln -s "$CACHE/initrd-$PKG.cpio.gz" "$W/initrd.cpio.gz"
  else
    rm -f "$W/initrd.cpio.gz"
    for d in "$CACHE/${PKG}"_*.deb; do [ -e "$W/${d##*/}" ] || ln -s "$d" "$W/"; done
  fi
}

# vm_download PACKAGE...: each package's .deb into the cache unless there
# (fetched into a temporary dir, then renamed in). Holds the lock.
vm_download() {
  for p in "$@"; do
    n=${p%%=*}
    ls "$CACHE/${n}"_*.deb >/dev/null 2>&1 && continue
    t=$(mktemp -d "$CACHE/.dl.XXXXXX")
    if ! (cd "$t" && apt-get download "$p" >/dev/null 2>&1); then rm -rf "$t"; return 1; fi
    mv "$t"/*.deb "$CACHE/" && rmdir "$t"
  done
}

# After a boot whose recipe unpacked the kernel and built the initramfs in W
# (no cache yet): move both into the cache for the next runs. Holds the lock.
vm_publish_kernel() {
  [ -d "$W/kernel" ] && [ ! -L "$W/kernel" ] && [ -f "$W/initrd.cpio.gz" ] && [ ! -L "$W/initrd.cpio.gz" ] || return 0
  [ -d "$CACHE/kernel-$PKG" ] && [ -f "$CACHE/initrd-$PKG.cpio.gz" ] && return 0
  rm -rf "$CACHE/kernel-$PKG" "$CACHE/initrd-$PKG.cpio.gz"
  mv "$W/kernel" "$CACHE/kernel-$PKG" && mv "$W/initrd.cpio.gz" "$CACHE/initrd-$PKG.cpio.gz"
}

# vm_boot GUEST_SCRIPT CONFIG: boot the guest running GUEST_SCRIPT, which
# reads CONFIG (shell assignments) from /out/config; print its lines, its
# result and the wall time; exit 0 when it wrote PASS, else 1.
vm_boot() {
  # run-u3v-vm.sh recreates out/, so the configuration reaches the guest
  # through a wrapper script in the work dir.
  {
    echo '#!/bin/sh'
    echo "cat > /out/config <<'EOC'"
    echo "$2"
    echo 'EOC'
    echo "exec /bin/sh '$1'"
  } > "$W/guest.sh"
  chmod +x "$W/guest.sh"
  START=$(date +%s.%N)
  set +e
  # In the background, so that a signal's trap runs at once (wait returns).
  "$RECIPE/run-u3v-vm.sh" "$W/guest.sh" "$W" > "$W/console.log" 2>&1 &
  VM_PID=$!
  wait $VM_PID
  RC=$?
  VM_PID=""
  set -e
  END=$(date +%s.%N)
  [ -n "${PKG:-}" ] && vm_locked vm_publish_kernel
  grep -E 'GUEST|FAIL|run-u3v-vm|INIT' "$W/console.log" || true
  echo "--- result ($W/out/result.txt), wall $(awk -v a="$START" -v b="$END" 'BEGIN{printf "%.1f", b-a}') s"
  cat "$W/out/result.txt" 2>/dev/null || true
  [ $RC -eq 0 ] && exit 0
  echo "--- server log tail"; tail -20 "$W/out/server.log" 2>/dev/null || true
  exit 1
}
