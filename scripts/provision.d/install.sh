#!/bin/sh
# The target half of scripts/provision: applies a staged bundle (install.list and files/) to a
# root, or removes what the root's manifest lists. POSIX sh and the tools a Debian, Raspberry Pi
# OS or BusyBox root has (cmp, stat, od, useradd), because it runs wherever the root is: here
# against --rootfs DIR, or on the board through `ssh ... sh -s` with the bundle streamed as a tar.
#   install.sh --root DIR [--live] [--dry-run] [--uninstall [--purge]] [--step N --total M]
# Run from the bundle's directory. Every path in install.list and in the manifest is absolute
# as seen from the root; DIR is put in front of it here (and only here).
#
# install.list, one line each, in order:
#   group NAME                       a group the node needs (created when missing)
#   user NAME GROUP,GROUP...         the system user (created with its own group when missing)
#   dir MODE OWNER:GROUP PATH        a directory of ours: created, mode and owner kept so
#   file MODE OWNER:GROUP PATH       files/PATH, copied when different
#   link TARGET PATH                 a symbolic link (created when missing; never re-pointed)
# The manifest (/etc/mote/provisioned) lists, one `KIND PATH-OR-NAME` a line, what provisioning
# created: group, user, dir, file, link, and `made` for account files and their backups that
# did not exist before (passwd-, ...). A re-run adds to it; --uninstall removes exactly those.
set -eu

MANIFEST=/etc/mote/provisioned
# The update check and the trial watch (docs/updates.md), enabled by their timers.target.wants links.
TIMERS="mote-update-watch.timer mote-update.timer"
root= live=0 dry=0 uninstall=0 purge=0 step=1 total=1
while [ $# -gt 0 ]; do
  case $1 in
    --root) root=$2; shift ;;
    --live) live=1 ;;
    --dry-run) dry=1 ;;
    --uninstall) uninstall=1 ;;
    --purge) purge=1 ;;
    --step) step=$2; shift ;;
    --total) total=$2; shift ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$root" ] || { echo "install.sh: --root DIR is required" >&2; exit 2; }
root=${root%/}  # "/" becomes "", so "$root$path" is the path itself on a live board
where=${root:-/}

say() { echo "provision: $*"; }
die() { echo "provision: $*" >&2; exit 1; }
heading() { say "[$step/$total] $*"; step=$((step + 1)); }
item() { printf 'provision:        %-10s %s\n' "$1" "$2"; }
would() { [ "$dry" -eq 1 ]; }

[ -d "$where" ] || die "no directory $where"
if ! would && [ "$(id -u)" -ne 0 ]; then
  die "writing into $where needs root (files owned by root and mote); run it as root or with sudo"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/created"
: >"$work/would"
record() { echo "$1 $2" >>"$work/created"; }
changed=0     # anything at all
unit_changed=0 rules_changed=0

# Account tools on the root: --prefix ROOT for a root that is not this system's own (one
# argument, whatever the path holds: an SD card mounted at "/media/u/Pi OS" included).
account() {  # account TOOL ARGS...
  tool=$1; shift
  if [ -n "$root" ]; then "$tool" --prefix "$root" "$@"; else "$tool" "$@"; fi
}
has_group() { [ -f "$root/etc/group" ] && grep -q "^$1:" "$root/etc/group"; }
in_group() {  # in_group USER GROUP: USER is a listed member of GROUP
  awk -F: -v u="$1" -v g="$2" '$1 == g { n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) f = 1 } END { exit !f }' "$root/etc/group"
}
has_user() { [ -f "$root/etc/passwd" ] && grep -q "^$1:" "$root/etc/passwd"; }
# Numeric ids from the root's own files: the host's passwd says nothing about an SD card's.
uid_of() { sed -n "s/^$1:[^:]*:\\([0-9]*\\):.*/\\1/p" "$root/etc/passwd"; }
gid_of() { sed -n "s/^$1:[^:]*:\\([0-9]*\\):.*/\\1/p" "$root/etc/group"; }
ids() {  # ids OWNER:GROUP -> UID:GID of the root (root is 0 even where no passwd says so)
  u=${1%%:*} g=${1#*:}
  if [ "$u" = root ]; then uid=0; else uid=$(uid_of "$u"); fi
  if [ "$g" = root ]; then gid=0; else gid=$(gid_of "$g"); fi
  [ -n "$uid" ] && [ -n "$gid" ] || { would && { echo "$u:$g"; return; }; die "no $u or no $g in $where/etc/passwd and group"; }
  echo "$uid:$gid"
}
state_of() { stat -c '%a %u:%g' "$1"; }
wanted_state() { echo "$(echo "$1" | sed 's/^0*//') $2"; }

parents() {  # parents PATH: creates the missing parent directories of PATH (root-owned 0755)
  _todo= _p=${1%/*}
  while [ -n "$_p" ] && ! present_dir "$_p"; do _todo="$_p${_todo:+ $_todo}"; _p=${_p%/*}; done
  for _d in $_todo; do
    if would; then echo "$_d" >>"$work/would"; item "create" "$_d/"; continue; fi
    mkdir "$root$_d" && chmod 0755 "$root$_d" && chown 0:0 "$root$_d"
    record dir "$_d"
    item "created" "$_d/"
    changed=1
  done
}
# A directory that is there, or that this dry run has already said it would create.
present_dir() { [ -d "$root$1" ] || grep -qxF "$1" "$work/would"; }

do_dir() {  # do_dir MODE OWNER PATH
  mode=$1 owner=$2 path=$3
  parents "$path"
  if [ -d "$root$path" ] && [ ! -L "$root$path" ]; then
    want=$(wanted_state "$mode" "$(ids "$owner")")
    if [ "$(state_of "$root$path")" = "$want" ]; then item "unchanged" "$path/"; return; fi
    if would; then item "update" "$path/ (mode and owner)"; return; fi
    chmod "$mode" "$root$path" && chown "$(ids "$owner")" "$root$path"
    item "updated" "$path/ (mode and owner)"; changed=1; return
  fi
  [ ! -e "$root$path" ] && [ ! -L "$root$path" ] || die "$where: $path exists and is not a directory"
  if would; then
    present_dir "$path" || { echo "$path" >>"$work/would"; item "create" "$path/"; }
    return
  fi
  mkdir "$root$path" && chmod "$mode" "$root$path" && chown "$(ids "$owner")" "$root$path"
  record dir "$path"
  item "created" "$path/"; changed=1
}

do_file() {  # do_file MODE OWNER PATH
  mode=$1 owner=$2 path=$3 src=files$3
  [ -f "$src" ] || { would && { item "install" "$path (built by an earlier step)"; return; }; die "the bundle has no $src"; }
  parents "$path"
  dest=$root$path
  if [ -L "$dest" ] || { [ -e "$dest" ] && [ ! -f "$dest" ]; }; then die "$where: $path exists and is not a regular file"; fi
  if [ -f "$dest" ]; then
    want=$(wanted_state "$mode" "$(ids "$owner")")
    if cmp -s "$src" "$dest"; then
      if [ "$(state_of "$dest")" = "$want" ]; then item "unchanged" "$path"; return; fi
      if would; then item "update" "$path (mode and owner)"; return; fi
      chmod "$mode" "$dest" && chown "$(ids "$owner")" "$dest"
      item "updated" "$path (mode and owner)"; changed=1; note "$path"; return
    fi
    verb=updated
  else
    verb=installed
  fi
  if would; then [ $verb = updated ] && item "update" "$path" || item "install" "$path"; return; fi
  # A new file next to the old one, then a rename: the old one stays whole until the new one is.
  cp "$src" "$dest.mote-new" && chmod "$mode" "$dest.mote-new" && chown "$(ids "$owner")" "$dest.mote-new"
  mv -f "$dest.mote-new" "$dest"
  [ $verb = installed ] && record file "$path"
  item "$verb" "$path"; changed=1; note "$path"
}
note() {
  case $1 in
    /etc/systemd/*) unit_changed=1 ;;
    /etc/udev/*) rules_changed=1 ;;
    # A slot's files changed by provisioning no longer match the manifest the update
    # guard checks them against: it goes, and the guard records the slot anew (docs/updates.md).
    /opt/mote/slots/*/*) rm -f "$root${1%/*}/manifest" ;;
  esac
}

do_link() {  # do_link TARGET PATH
  target=$1 path=$2
  parents "$path"
  if [ -L "$root$path" ]; then
    have=$(readlink "$root$path")
    if [ "$have" = "$target" ]; then item "unchanged" "$path -> $target"
    else item "kept" "$path -> $have (not $target: an update switched it)"; fi
    return
  fi
  [ ! -e "$root$path" ] || die "$where: $path exists and is not a symbolic link"
  if would; then item "link" "$path -> $target"; return; fi
  ln -s "$target" "$root$path.mote-new" && mv -f "$root$path.mote-new" "$root$path"
  record link "$path"
  item "linked" "$path -> $target"; changed=1; note "$path"
}

account_files="/etc/passwd /etc/group /etc/shadow /etc/gshadow"
snapshot() {  # the account files and backups present now, one path a line
  for f in $account_files; do
    for g in "$f" "$f-"; do [ -e "$root$g" ] && echo "$g"; done
  done
  return 0
}

do_accounts() {  # the groups and the user of install.list
  snapshot >"$work/accounts-before"
  for f in /etc/passwd /etc/group; do
    if [ ! -e "$root$f" ]; then
      parents "$f"
      if would; then item "create" "$f (empty)"; else : >"$root$f"; chmod 0644 "$root$f"; chown 0:0 "$root$f"; fi
    fi
  done
  while read -r kind name groups; do
    case $kind in
      group)
        if has_group "$name"; then item "unchanged" "group $name"; continue; fi
        if would; then item "create" "group $name"; continue; fi
        # shellcheck disable=SC2046
        account groupadd --system "$name"
        record group "$name"; item "created" "group $name"; changed=1 ;;
      user)
        if has_user "$name"; then
          missing=
          for g in $(echo "$groups" | tr , ' '); do
            in_group "$name" "$g" || missing="$missing${missing:+,}$g"
          done
          if [ -z "$missing" ]; then item "unchanged" "user $name (in $groups)"; continue; fi
          if would; then item "update" "user $name: add to $missing"; continue; fi
          # shellcheck disable=SC2046
          account usermod -a -G "$missing" "$name"
          item "updated" "user $name: added to $missing"; changed=1; continue
        fi
        if would; then item "create" "user $name (system, in $groups)"; continue; fi
        made_group=0
        has_group "$name" || made_group=1
        # shellcheck disable=SC2046
        account useradd --system --user-group --no-log-init --no-create-home \
          --home-dir /var/lib/mote --shell /usr/sbin/nologin --groups "$groups" "$name"
        [ $made_group -eq 1 ] && record group "$name"
        record user "$name"; item "created" "user $name (system, in $groups)"; changed=1 ;;
    esac
  done <<EOF
$(grep -E '^(group|user) ' install.list)
EOF
  snapshot >"$work/accounts-after"
  grep -vxF -f "$work/accounts-before" "$work/accounts-after" | while read -r f; do record made "$f"; done
}

old_manifest() { [ -f "$root$MANIFEST" ] && grep -E '^(group|user|dir|file|link|made) ' "$root$MANIFEST" || true; }

write_manifest() {
  { echo "# Written by scripts/provision: what it created here. scripts/provision --uninstall removes"
    echo "# exactly these (files and links, then directories once empty, the user, the groups)."
    old_manifest
    # Entries of this run that the old manifest does not have yet, in the order they were made.
    old_manifest >"$work/old"
    grep -vxF -f "$work/old" "$work/created" || true
  } >"$work/manifest"
  if [ -f "$root$MANIFEST" ] && cmp -s "$work/manifest" "$root$MANIFEST"; then
    item "unchanged" "$MANIFEST"; return
  fi
  if would; then item "write" "$MANIFEST"; return; fi
  verb=updated
  [ -f "$root$MANIFEST" ] || verb=written
  cp "$work/manifest" "$root$MANIFEST.mote-new" && chmod 0644 "$root$MANIFEST.mote-new" && chown 0:0 "$root$MANIFEST.mote-new"
  mv -f "$root$MANIFEST.mote-new" "$root$MANIFEST"
  item "$verb" "$MANIFEST"
}

install() {
  heading "the mote user and the groups it needs"
  do_accounts
  heading "installing the files"
  while read -r kind a b c; do
    case $kind in
      dir) do_dir "$a" "$b" "$c" ;;
      file) do_file "$a" "$b" "$c" ;;
      link) do_link "$a" "$b" ;;
    esac
  done <install.list
  write_manifest
  if [ "$live" -eq 0 ]; then
    heading "enabled by its multi-user.target.wants link, the update timers by timers.target.wants; nothing is started in an offline root"
    return
  fi
  heading "reloading udev and systemd"
  if would; then
    item "reload" "udev rules and systemd units (if changed)"
  else
    if [ $rules_changed -eq 1 ]; then
      udevadm control --reload && udevadm trigger --subsystem-match=gpio --subsystem-match=i2c-dev
      item "reloaded" "udev rules (gpio and i2c-dev devices triggered)"
    fi
    [ $unit_changed -eq 1 ] && { systemctl daemon-reload; item "reloaded" "systemd units"; }
  fi
  heading "starting mote.service and waiting until it reports ready; the update timers"
  if would; then
    item "start" "mote.service (restart if anything changed)"
    item "start" "$TIMERS (restart if anything changed)"; return
  fi
  if [ $changed -eq 1 ] || ! systemctl is-active --quiet mote.service; then
    # Type=notify: this returns once the node sent READY=1, or fails with its exit.
    if ! systemctl restart mote.service; then
      journalctl -u mote.service -n 30 --no-pager >&2 || true
      die "mote.service did not start (its journal is above)"
    fi
  fi
  n=0
  while ! systemctl is-active --quiet mote.service; do
    n=$((n + 1))
    if [ $n -ge 30 ]; then
      journalctl -u mote.service -n 30 --no-pager >&2 || true
      die "mote.service is $(systemctl is-active mote.service || true) 30 s after its start (its journal is above)"
    fi
    sleep 1
  done
  item "ready" "mote.service: $(systemctl show -p StatusText --value mote.service)"
  # The timers after the node: the watch must not time a trial whose start is still under way.
  for timer in $TIMERS; do
    if [ $unit_changed -eq 1 ] || ! systemctl is-active --quiet "$timer"; then
      systemctl restart "$timer" || die "$timer did not start"
      item "started" "$timer"
    else
      item "unchanged" "$timer (active)"
    fi
  done
}

uninstall() {
  if [ ! -f "$root$MANIFEST" ]; then
    heading "nothing to remove: $where has no $MANIFEST"
    return
  fi
  old_manifest >"$work/manifest"
  if [ "$live" -eq 1 ]; then
    heading "stopping mote.service and the update timers"
    # The timers first: neither may start an update check or a watch into a half-removed tree.
    for unit in $TIMERS mote-update.service mote-update-watch.service mote.service; do
      if would; then item "stop" "$unit"; else systemctl stop "$unit" 2>/dev/null || true; item "stopped" "$unit"; fi
    done
  fi
  heading "removing what $MANIFEST lists"
  # Files and links first; directories at the very end, once everything in them is gone.
  sed -n -e 's/^file //p' -e 's/^link //p' "$work/manifest" | sort -r | while read -r path; do
    if [ -e "$root$path" ] || [ -L "$root$path" ]; then
      if would; then item "remove" "$path"; else rm -f "$root$path"; item "removed" "$path"; fi
    fi
  done
  if [ "$purge" -eq 1 ] && [ -d "$root/var/lib/mote" ]; then
    if would; then item "remove" "/var/lib/mote/ (--purge: the node's state)"; else rm -rf "$root/var/lib/mote"; item "removed" "/var/lib/mote/ (--purge)"; fi
  fi
  heading "removing the user, the groups and the directories provisioning created"
  sed -n 's/^user //p' "$work/manifest" | while read -r name; do
    has_user "$name" || continue
    # shellcheck disable=SC2046
    if would; then item "remove" "user $name"; else account userdel "$name"; item "removed" "user $name"; fi
  done
  sed -n 's/^group //p' "$work/manifest" | while read -r name; do
    has_group "$name" || continue
    # shellcheck disable=SC2046
    if would; then item "remove" "group $name"; else account groupdel "$name"; item "removed" "group $name"; fi
  done
  # Account files and backups that were not there before provisioning: backups always, the
  # files themselves once they are empty again.
  sed -n 's/^made //p' "$work/manifest" | while read -r path; do
    [ -f "$root$path" ] || continue
    case $path in *-) ;; *) [ -s "$root$path" ] && continue ;; esac
    if would; then item "remove" "$path"; else rm -f "$root$path"; item "removed" "$path"; fi
  done
  # The manifest only now: an uninstall interrupted before this point can run again.
  if would; then item "remove" "$MANIFEST"; else rm -f "$root$MANIFEST"; item "removed" "$MANIFEST"; fi
  # Directories last, deepest first, and only once empty (/etc/mote held the manifest; /etc the
  # account files of a root that had none).
  sed -n 's/^dir //p' "$work/manifest" | sort -r | while read -r path; do
    [ -d "$root$path" ] || continue
    if would; then item "remove" "$path/"; continue; fi
    if rmdir "$root$path" 2>/dev/null; then item "removed" "$path/"; else item "kept" "$path/ (not empty: holds files provisioning did not install)"; fi
  done
  if [ "$live" -eq 1 ]; then
    systemctl daemon-reload && item "reloaded" "systemd units"
    udevadm control --reload && item "reloaded" "udev rules"
  fi
}

if [ "$uninstall" -eq 1 ]; then uninstall; else install; fi
