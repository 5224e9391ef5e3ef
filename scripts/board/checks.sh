#!/bin/sh
# The checks of mote's GPIO and I2C diagnostics on the emulated board of scripts/board-test.
# Runs in the guest under busybox sh with `mote` on PATH, after /init made the gpio-sim chip
# "mote-sim" (8 lines: LED, BUTTON, DOOR, PUMP at offsets 0-3, the rest unnamed) and loaded
# i2c-stub with a chip at 0x76. Prints "ok     NAME" or "FAILED NAME" (and what went wrong) per
# check, then "board-test: N passed, M failed".

passed=0 failed=0
cfg=/sys/kernel/config/gpio-sim/mote
chip=$(cat $cfg/bank0/chip_name)                      # e.g. gpiochip1
sim=/sys/devices/platform/$(cat $cfg/dev_name)/$chip  # sim_gpioN/pull drives, sim_gpioN/value shows
out=/tmp/out err=/tmp/err
bus=
for adapter in /sys/class/i2c-adapter/*; do
  [ "$(cat "$adapter/name")" = "SMBus stub driver" ] && bus=/dev/${adapter##*/}
done

check() {  # check NAME COMMAND...: runs COMMAND, reports and counts
  check_name=$1; shift
  if "$@" >/tmp/check.log 2>&1; then
    echo "ok     $check_name"; passed=$((passed + 1))
  else
    echo "FAILED $check_name"; sed 's/^/       | /' /tmp/check.log; failed=$((failed + 1))
  fi
}

# Every mote call is bounded: a hang shows as exit 143 instead of stopping the run.
mote() { timeout 10 mote "$@"; }

expect() {  # expect WANT COMMAND...: COMMAND exits 0 and prints exactly WANT
  want=$1; shift
  got=$("$@" 2>&1); rc=$?
  [ $rc -eq 0 ] && [ "$got" = "$want" ] && return 0
  echo "\$ $*"; echo "$got"; echo "(exit $rc; expected exit 0 and: $want)"; return 1
}

pull() { echo "pull-$2" > $sim/sim_gpio$1/pull; }  # pull OFFSET up|down: drives an input
value() { cat $sim/sim_gpio$1/value; }             # the level the chip sees on OFFSET

until_value() {  # until_value OFFSET WANT: waits up to 2 s for the line's level to be WANT
  n=0
  while [ "$(value $1)" != "$2" ]; do
    [ $n -ge 40 ] && { echo "sim_gpio$1/value is $(value $1), expected $2"; return 1; }
    usleep 50000; n=$((n + 1))
  done
}

until_requested() {  # waits up to 2 s until a process holds a GPIO line request
  n=0
  until ls -l /proc/[0-9]*/fd 2>/dev/null | grep -q 'anon_inode:gpio'; do
    [ $n -ge 40 ] && { echo "no process holds a GPIO line request"; return 1; }
    usleep 50000; n=$((n + 1))
  done
}

exited() {  # exited PID WANT: the background job PID exits with status WANT
  wait $1; rc=$?
  [ $rc -eq $2 ] || { echo "exit status $rc, expected $2"; cat $out $err 2>/dev/null; return 1; }
}

has() {  # has LINE KEY VALUE: line LINE of $out (JSON) has "KEY":VALUE
  sed -n "$1p" $out | grep -q "\"$2\": *$3[,}]" && return 0
  echo "event $1 lacks \"$2\":$3:"; cat $out; return 1
}

events() { wc -l < $out | tr -d ' '; }

# --- GPIO

gpio_list() {
  mote gpio list > $out || { cat $out; return 1; }
  awk -v chip="$chip" '
    /^[^ ]/ { in_sim = ($0 == chip " [mote-sim] 8 lines"); found += in_sim; next }
    in_sim  { name[$1] = $2; lines++ }
    END { exit !(found == 1 && lines == 8 && name[0] == "LED" && name[1] == "BUTTON" &&
                 name[2] == "DOOR" && name[3] == "PUMP" && name[4] == "-" && name[7] == "-") }
  ' $out && return 0
  echo "mote gpio list printed:"; cat $out; return 1
}
check "gpio list: mote-sim found by label, 8 lines, named" gpio_list

held() {  # held OFFSET LEVEL IDLE ARGS...: `gpio set ARGS --hold 1` drives OFFSET to LEVEL;
          # released, the line returns to its pull IDLE (up|down)
  offset=$1 level=$2 idle=$3; shift 3
  pull $offset $idle
  mote gpio set mote-sim "$@" --hold 1 > $out 2> $err & pid=$!
  until_value $offset $level || { wait $pid; cat $out $err; return 1; }
  exited $pid 0 || return 1
  [ $idle = up ] && idle=1 || idle=0
  until_value $offset $idle
}
check "gpio set LED 1 drives the line high" held 0 1 down LED 1
check "gpio set LED 0 drives the line low" held 0 0 up LED 0
check "gpio set --active-low 1 drives the line low" held 3 0 up PUMP 1 --active-low

listed_in_use() {
  pull 2 down
  mote gpio set mote-sim DOOR 1 --hold 1 > /dev/null 2>&1 & pid=$!
  until_value 2 1 || { wait $pid; return 1; }
  mote gpio list > $out; wait $pid
  awk -v chip="$chip" '
    /^[^ ]/ { in_sim = ($0 ~ "^" chip " "); next }
    in_sim && $1 == 2 { ok = ($2 == "DOOR" && $3 == "output" && $4 != "-") }
    END { exit !ok }
  ' $out && return 0
  echo "mote gpio list printed, with DOOR held:"; cat $out; return 1
}
check "gpio list: a held line shows as output, in use" listed_in_use

get_pulled() {  # get_pulled up|down WANT ARGS...: with BUTTON pulled, `gpio get ARGS` prints WANT
  pull 1 $1; want=$2; shift 2
  expect $want mote gpio get mote-sim BUTTON "$@"
}
check "gpio get BUTTON pulled up reads 1" get_pulled up 1
check "gpio get BUTTON pulled down reads 0" get_pulled down 0
check "gpio get --active-low inverts" eval 'get_pulled up 0 --active-low && get_pulled down 1 --active-low'

bias() {  # the requested bias reaches the chip: gpio-sim applies it as the line's pull
  pull 2 down
  expect 1 mote gpio get mote-sim DOOR --bias pull-up || return 1
  [ "$(cat $sim/sim_gpio2/pull)" = pull-up ] || { echo "sim_gpio2/pull: $(cat $sim/sim_gpio2/pull)"; return 1; }
  expect 0 mote gpio get mote-sim DOOR --bias pull-down
}
check "gpio get --bias pull-up/pull-down sets the line's bias" bias

lookup() {
  pull 1 up
  expect 1 mote gpio get /dev/$chip 1 && expect 1 mote gpio get $chip BUTTON &&
    expect 1 mote gpio get mote-sim 1
}
check "gpio lookup by /dev path, chip name and offset" lookup

missing_chip() {
  mote gpio get nosuchchip 0 > $out 2> $err; rc=$?
  [ $rc -eq 1 ] && grep -q nosuchchip $err && grep -q mote-sim $err && return 0
  echo "exit $rc; stderr:"; cat $err; return 1
}
check "gpio get nosuchchip: exit 1, names it and the existing chips" missing_chip

missing_line() {
  mote gpio get mote-sim NOPE > $out 2> $err; rc=$?
  [ $rc -eq 1 ] && grep -q "no line 'NOPE' on $chip \[mote-sim\]; lines: 0 LED, 1 BUTTON, 2 DOOR, 3 PUMP, 4" $err && return 0
  echo "exit $rc; stderr:"; cat $err; return 1
}
check "gpio get mote-sim NOPE: exit 1, names the line and lists the chip's lines" missing_line

watch_rising() {
  pull 1 down
  mote gpio watch mote-sim BUTTON --edge rising --events 1 --timeout 5 --jsonl > $out 2> $err & pid=$!
  until_requested || { wait $pid; return 1; }
  pull 1 up
  exited $pid 0 || return 1
  [ "$(events)" = 1 ] || { echo "expected 1 event:"; cat $out; return 1; }
  has 1 type '"edge"' && has 1 chip "\"$chip\"" && has 1 line 1 && has 1 name '"BUTTON"' &&
    has 1 edge '"rising"' && has 1 timestamp_ns '[1-9][0-9]*' && has 1 seq 1
}
check "gpio watch --edge rising: one rising event, timestamp, seq 1" watch_rising

watch_both() {
  pull 1 down
  mote gpio watch mote-sim BUTTON --edge both --events 2 --timeout 5 --jsonl > $out 2> $err & pid=$!
  until_requested || { wait $pid; return 1; }
  pull 1 up; usleep 50000; pull 1 down
  exited $pid 0 || return 1
  [ "$(events)" = 2 ] || { echo "expected 2 events:"; cat $out; return 1; }
  has 1 edge '"rising"' && has 1 seq 1 && has 2 edge '"falling"' && has 2 seq 2
}
check "gpio watch --edge both: rising then falling" watch_both

debounce() {  # 9 toggles 5 ms apart inside a 50 ms debounce window: fewer events, at least one
  pull 1 down
  mote gpio watch mote-sim BUTTON --edge both --debounce 50 --events 20 --timeout 2 --jsonl > $out 2> $err & pid=$!
  until_requested || { wait $pid; return 1; }
  for level in up down up down up down up down up; do pull 1 $level; usleep 5000; done
  exited $pid 3 || return 1
  [ "$(events)" -ge 1 ] && [ "$(events)" -lt 9 ] && return 0
  echo "$(events) events for 9 toggles:"; cat $out; return 1
}
check "gpio watch --debounce 50: a burst of 9 toggles gives fewer events" debounce

watch_timeout() {
  mote gpio watch mote-sim PUMP --events 1 --timeout 1 --jsonl > $out 2> $err & pid=$!
  exited $pid 3 && [ "$(events)" = 0 ]
}
check "gpio watch --timeout: exit 3 when no event came" watch_timeout

# --- I2C (i2c-stub: SMBus byte, word and I2C block transfers; a chip at 0x76)

check "i2c: the i2c-stub adapter has a /dev/i2c-N" eval '[ -c "$bus" ] || { ls /sys/class/i2c-adapter /dev; false; }'
check "i2c scan /dev/i2c-N lists 0x76 only" expect 0x76 mote i2c scan "$bus"
check "i2c scan N (bus number) lists 0x76 only" expect 0x76 mote i2c scan "${bus#/dev/i2c-}"

byte() {  # mote writes what busybox i2cget reads, and reads what i2cset wrote
  mote i2c write "$bus" 0x76 0x10 0xa5 || return 1
  expect a5 mote i2c read "$bus" 0x76 0x10 && expect 0xa5 i2cget -y "${bus#/dev/i2c-}" 0x76 0x10 &&
    i2cset -y "${bus#/dev/i2c-}" 0x76 0x11 0x5a && expect 5a mote i2c read "$bus" 0x76 0x11
}
check "i2c write then read one byte (and busybox i2cget/i2cset agree)" byte

block() {
  mote i2c write "$bus" 0x76 0x20 0xde 0xad 0xbe 0xef || return 1
  expect deadbeef mote i2c read "$bus" 0x76 0x20 4
}
check "i2c write then read 4 bytes" block

no_ack() {
  mote i2c read "$bus" 0x50 0x00 > $out 2> $err; rc=$?
  [ $rc -eq 1 ] && grep -q 'no acknowledge' $err && return 0
  echo "exit $rc; stdout: $(cat $out); stderr:"; cat $err; return 1
}
check "i2c read at 0x50 (nobody there): exit 1, no acknowledge" no_ack

# --- Board identification from the device tree (QEMU virt: model and compatible "linux,dummy-virt")

check "mote board: no repository board file knows QEMU virt, so the generic aarch64 file" \
  expect "generic-aarch64 (Generic aarch64 board, aarch64)" mote board --boards /etc/mote/boards-repo
check "mote board on the provisioned root: the emulated board's file (model linux,dummy-virt)" \
  expect "emulated (QEMU virt (cortex-a53) with gpio-sim and i2c-stub, aarch64)" mote board
unknown_board() {
  mote board --boards /etc/mote/boards-named > $out 2> $err; rc=$?
  want='mote: cannot identify this board: model "linux,dummy-virt", compatible "linux,dummy-virt"; known aarch64 boards: raspberry-pi-3b (Raspberry Pi 3 Model B), raspberry-pi-4b (Raspberry Pi 4 Model B), raspberry-pi-5 (Raspberry Pi 5), raspberry-pi-zero-2w (Raspberry Pi Zero 2 W)'
  [ $rc -eq 1 ] && [ ! -s $out ] && [ "$(cat $err)" = "$want" ] && return 0
  echo "exit $rc; stdout: $(cat $out); stderr:"; cat $err; echo "(expected exit 1 and: $want)"; return 1
}
check "mote board without the fallback: exit 1, the model, compatible and known boards" unknown_board

# --- A configured node (mote --config) on the real kernel devices

configured_node() {  # the door wakes the node through the line's event descriptor; each edge is a frame
  pull 2 down
  mote --config /etc/mote/door-node.toml --board /etc/mote/emulated-board.toml --jsonl --frames 2 > $out 2> $err & pid=$!
  until_requested || { wait $pid; return 1; }
  usleep 300000; pull 2 up; usleep 300000; pull 2 down
  exited $pid 0 || return 1
  grep -q '"type":"event","t":[0-9]*,"sensor":"input:door","channel":"door","value":1,"timestamp_ns":[1-9]' $out &&
    grep -q '"type":"frame","t":[0-9]*,"seq":0,"port":1,"format":"cayennelpp","size":3,"hex":"010001"' $out &&
    grep -q '"type":"frame","t":[0-9]*,"seq":1,"port":1,"format":"cayennelpp","size":3,"hex":"010000"' $out &&
    grep -q '"type":"sensor","t":[0-9]*,"sensor":"bme280@0x77","state":"degraded"' $out &&
    grep -q '^next_sequence = 2$' /tmp/mote-state/emulated-door.state.toml 2>/dev/null ||
    { echo "stdout:"; cat $out; echo "stderr:"; cat $err; return 1; }
  # The frame count of a --frames run ends it; the counter is saved for the next start.
}
check "mote --config: door edges wake the node (frames 010001, 010000), absent BME280 degraded" configured_node

multi_chip() {  # a board file of three chips, the first absent: P9_12 is looked up on each, found on the third
  chip2=$(cat $cfg/bank1/chip_name); sim2=/sys/devices/platform/$(cat $cfg/dev_name)/$chip2
  cat > /tmp/multi-board.toml <<'BOARD'
[board]
id = "emulated-multi"
name = "QEMU virt with two gpio-sim chips"
arch = "aarch64"
model = ["linux,dummy-virt"]

[gpio]
chip = ["no-such-chip", "mote-sim", "mote-sim-2"]

[gpio.header]
P9_12 = "P9_12"
BOARD
  cat > /tmp/multi-node.toml <<'NODE'
[node]
name = "emulated-multi"
board = "emulated-multi"

[[sensor]]
id = "door"
driver = "digital-input"
line = "P9_12"
debounce = "5ms"
wake = true
interval = "1m"

  [[sensor.channel]]
  name = "door"
  filters = [ { type = "deadband", absolute = 0.5, max_period = "1h" } ]
  frame = { id = 1, type = "digital_input" }

[uplink]
interval = "10m"
send_on_event = true

[storage]
state_dir = "/tmp/mote-state-multi"
NODE
  echo pull-down > $sim2/sim_gpio1/pull
  mote --config /tmp/multi-node.toml --board /tmp/multi-board.toml --jsonl --frames 1 > $out 2> $err & pid=$!
  until_requested || { wait $pid; cat $out $err; return 1; }
  usleep 300000; echo pull-up > $sim2/sim_gpio1/pull
  exited $pid 0 || return 1
  # The rising edge is an event, or, when it lands before the edge request is armed (a loaded
  # host), the next reading: either way the level came from the line on the third chip.
  grep -q -e '"type":"event","t":[0-9]*,"sensor":"input:door","channel":"door","value":1,"timestamp_ns":[1-9]' \
    -e '"type":"reading","t":[0-9]*,"sensor":"input:door","channel":"door","value":1,' $out &&
    grep -q '"type":"frame","t":[0-9]*,"seq":0,"port":1,"format":"cayennelpp","size":3,"hex":"010001"' $out ||
    { echo "node file:"; cat /tmp/multi-node.toml; echo "stdout:"; cat $out; echo "stderr:"; cat $err; return 1; }
}
check "mote --config: a line name found on the third of three listed chips (the first absent)" multi_chip

bad_config() {
  echo '[node]' > /tmp/bad.toml; echo 'name = 5' >> /tmp/bad.toml
  mote --config /tmp/bad.toml --board /etc/mote/emulated-board.toml > $out 2> $err; rc=$?
  [ $rc -eq 78 ] && grep -q '^/tmp/bad.toml:2:8: node.name: expected a string, found the integer 5$' $err && return 0
  echo "exit $rc; stderr:"; cat $err; return 1
}
check "mote --config with an invalid file: exit 78, file:line:column: key: message" bad_config

# --- libcrypto and libcurl, loaded on first use (dlopen) from the board's /lib

library_loads() {
  printf 'mote' > /tmp/loaded
  expect "$(sha256sum /tmp/loaded)" mote --sha256 /tmp/loaded &&
    expect "mote" mote --fetch file:///tmp/loaded --max-bytes 4
}
check "--sha256 and --fetch file:// load libcrypto.so.3 and libcurl.so.4 on first use" library_loads

# --- The provisioned node: the unit's ExecStart, as the mote user, on what the udev rules grant

provisioned_node() {
  unit=/etc/systemd/system/mote.service
  command=$(sed -n 's/^ExecStart=//p' $unit)
  [ "$command" = "/opt/mote/current/mote --config /opt/mote/current/node.toml --state-dir /var/lib/mote" ] ||
    { echo "ExecStart: $command"; return 1; }
  # What 60-mote.rules asks udev for (no udevd here), and systemd's StateDirectory=mote.
  grep -q 'KERNEL=="gpiochip\[0-9\]\*", GROUP="gpio", MODE="0660"' /etc/udev/rules.d/60-mote.rules || return 1
  chgrp gpio /dev/gpiochip* && chmod 0660 /dev/gpiochip* && chgrp i2c /dev/i2c-[0-9]* && chmod 0660 /dev/i2c-[0-9]* &&
    mkdir -p /var/lib/mote && chown mote:mote /var/lib/mote && chmod 0700 /var/lib/mote || return 1
  pull 2 down
  su -s /bin/sh -c "exec timeout 10 $command --jsonl --frames 2" mote > $out 2> $err & pid=$!
  until_requested || { wait $pid; return 1; }
  usleep 300000; pull 2 up; usleep 300000; pull 2 down
  exited $pid 0 || return 1
  grep -q '"type":"frame","t":[0-9]*,"seq":0,"port":1,"format":"cayennelpp","size":3,"hex":"010001"' $out &&
    grep -q '"type":"frame","t":[0-9]*,"seq":1,"port":1,"format":"cayennelpp","size":3,"hex":"010000"' $out &&
    grep -q '^next_sequence = 2$' /var/lib/mote/emulated-door.state.toml &&
    [ "$(stat -c %U /var/lib/mote/emulated-door.state.toml)" = mote ] ||
    { echo "stdout:"; cat $out; echo "stderr:"; cat $err; ls -ln /var/lib/mote /dev/gpiochip*; return 1; }
}
check "the provisioned unit's ExecStart as user mote: door edges make frames 010001, 010000; state in /var/lib/mote" provisioned_node
grep '"type":"frame"' $out | sed 's/^/       > /'  # the provisioned node's frames, on the console

echo "board-test: $passed passed, $failed failed"
[ $failed -eq 0 ]
