#!/bin/sh
# What scripts/provision needs to know about a target before it changes anything, as KEY=VALUE
# lines: its architecture, its device tree (on a running board), the identity and manifest it
# already has, and whether we are root there. Reads only. POSIX sh, run locally for --rootfs or
# on the board through `ssh ... sh -s`.
#   probe.sh --root DIR [--live]     (DIR is / on a running board)
#   probe.sh --elf FILE              the architecture of one ELF file
set -eu

# elf_arch FILE: aarch64, armv7 (32-bit ARM, hard-float EABI), x86_64, or "unknown (...)".
elf_arch() {
  # shellcheck disable=SC2046
  set -- $(od -An -tu1 -N40 "$1" 2>/dev/null) || true
  [ $# -ge 40 ] && [ "$1 $2 $3 $4" = "127 69 76 70" ] || { echo "not an ELF file"; return; }
  class=$5 data=$6
  if [ "$data" = 1 ]; then machine=$(( ${19} + 256 * ${20} )); else machine=$(( ${20} + 256 * ${19} )); fi
  case "$class:$machine" in
    2:183) echo aarch64 ;;
    2:62) echo x86_64 ;;
    1:40)
      # e_flags (offset 36): EF_ARM_ABI_FLOAT_HARD (0x400) marks the hard-float ABI.
      if [ "$data" = 1 ]; then flags=$(( ${37} + 256 * ${38} )); else flags=$(( ${40} + 256 * ${39} )); fi
      if [ $(( flags & 1024 )) -ne 0 ]; then echo armv7; else echo "armel (soft-float 32-bit ARM)"; fi ;;
    1:3) echo i386 ;;
    *) echo "unknown (ELF class $class, machine $machine)" ;;
  esac
}

# inroot ROOT PATH: PATH inside ROOT with every symbolic link followed inside ROOT (an absolute
# link on an SD card's root points into that root, not into this machine's).
inroot() {
  root=$1 rest=${2#/} cur= n=0
  while [ -n "$rest" ]; do
    comp=${rest%%/*}
    case $rest in */*) rest=${rest#*/} ;; *) rest= ;; esac
    case $comp in '' | .) continue ;; ..) cur=${cur%/*}; continue ;; esac
    if [ -L "$root$cur/$comp" ]; then
      n=$((n + 1)); [ $n -le 40 ] || return 1
      link=$(readlink "$root$cur/$comp")
      case $link in /*) cur= rest=${link#/}${rest:+/$rest} ;; *) rest=$link${rest:+/$rest} ;; esac
    else
      cur=$cur/$comp
    fi
  done
  printf '%s\n' "$root$cur"
}

root= live=0
case ${1:-} in
  --elf) elf_arch "$2"; exit 0 ;;
esac
while [ $# -gt 0 ]; do
  case $1 in
    --root) root=$2; shift ;;
    --live) live=1 ;;
    *) echo "probe.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
root=${root%/}
where=${root:-/}
echo "uid=$(id -u)"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then echo "sudo=yes"; else echo "sudo=no"; fi
fi
if [ ! -d "$where" ]; then echo "root=missing"; exit 0; fi
echo "root=present"
if [ "$live" -eq 1 ]; then
  echo "arch=$(uname -m)"
  echo "arch_source=uname -m"
  for dt in /proc/device-tree /sys/firmware/devicetree/base; do
    if [ -r "$dt/model" ]; then
      echo "model=$(tr -d '\000' <"$dt/model")"
      [ -r "$dt/compatible" ] && tr '\000' '\n' <"$dt/compatible" | sed -n 's/^\(..*\)$/compatible=\1/p'
      break
    fi
  done
  command -v systemctl >/dev/null 2>&1 && echo "systemd=yes" || echo "systemd=no"
else
  found=
  for candidate in /bin/sh /usr/bin/env /bin/busybox; do
    file=$(inroot "$root" "$candidate") || continue
    if [ -f "$file" ]; then found=$candidate; break; fi
  done
  if [ -n "$found" ]; then
    echo "arch=$(elf_arch "$file")"
    echo "arch_source=$root$found"
  else
    echo "arch=none"
    echo "arch_source=$where (no bin/sh, usr/bin/env or bin/busybox)"
  fi
fi
identity=$root/etc/mote/identity/identity.toml
if [ -f "$identity" ]; then
  echo "identity_sha256=$(sha256sum <"$identity" | cut -d' ' -f1)"
  echo "identity_device_id=$(sed -n 's/^device_id *= *"\(.*\)"$/\1/p' "$identity" | head -n 1)"
fi
[ -f "$root/etc/mote/provisioned" ] && echo "manifest=present"
exit 0
