# What the VM test runners (run-usbvm.sh, run-gpiovm.sh) share: the work
# dir, the tool checks, and booting a guest script with the usb-vm recipe
# (../shared/recipes/usb-vm) and reporting its result. Sourced, not run.
# Network safety: the guest has no network device at all.

# vm_setup NAME BUILD_DIR WORK_DIR TOOL...: sets HERE, ROOT, BUILD, W, RECIPE;
# exits 77 (skip) when a tool or the recipe is missing.
vm_setup() {
  VM_NAME=$1; shift
  HERE=$(cd "$(dirname "$0")" && pwd)
  ROOT=$(cd "$HERE/../.." && pwd)
  BUILD=$(cd "${1:-$ROOT/build}" && pwd)
  W=${2:-${TMPDIR:-/tmp}/twincam-$VM_NAME}
  shift 2
  mkdir -p "$W" && W=$(cd "$W" && pwd -P)
  # The recipe's initramfs builder nests modules under their full host path,
  # and depmod skips directories named build or source: such a work dir
  # boots a guest without modules.
  case "/$W/" in
    */build/*|*/source/*) echo "run-$VM_NAME: work dir $W has a 'build' or 'source' component; use another"; exit 1 ;;
  esac
  RECIPE=${USBVM_RECIPE:-$ROOT/../shared/recipes/usb-vm}
  for t in "$@"; do
    command -v $t >/dev/null 2>&1 || [ -x /usr/sbin/$t ] || { echo "run-$VM_NAME: $t missing (scripts/install-deps.sh)"; exit 77; }
  done
  [ -x "$RECIPE/run-u3v-vm.sh" ] || { echo "run-$VM_NAME: no recipe at $RECIPE"; exit 77; }
  [ -x "$BUILD/twincam" ] || { echo "run-$VM_NAME: no $BUILD/twincam"; exit 1; }
  mkdir -p "$W/out"
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
  "$RECIPE/run-u3v-vm.sh" "$W/guest.sh" "$W" > "$W/console.log" 2>&1
  RC=$?
  set -e
  END=$(date +%s.%N)
  grep -E 'GUEST|FAIL|run-u3v-vm|INIT' "$W/console.log" || true
  echo "--- result ($W/out/result.txt), wall $(awk -v a="$START" -v b="$END" 'BEGIN{printf "%.1f", b-a}') s"
  cat "$W/out/result.txt" 2>/dev/null || true
  [ $RC -eq 0 ] && exit 0
  echo "--- server log tail"; tail -20 "$W/out/server.log" 2>/dev/null || true
  exit 1
}
