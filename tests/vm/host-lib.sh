# shellcheck shell=bash
# tests/vm/host-lib.sh - the prologue that the host side of the test bed
# (setup.sh, run.sh, acd-install.sh) shares; sourced after the caller has
# defined its own say (its prefix, stdout or stderr).  guest/lib.sh is the
# guest's counterpart.
#
#   vm_skip_unless_ready WORD WHY
#                 exit 77 (skipped) with the reason, said with the caller's
#                 say as "WORD: ...", when the operator opted out of the
#                 test bed (ACD_VM_SKIP=1) or this is not root (WHY: what
#                 root is needed for)
#   elapsed       seconds since this file was sourced, one decimal

VM_T0=$(date +%s.%N)
elapsed() { awk -v a="$VM_T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

vm_skip_unless_ready() {
	if [ "${ACD_VM_SKIP:-0}" = 1 ]; then
		say "$1: ACD_VM_SKIP=1 (the operator opted out of the VM test bed)"
		exit 77
	fi
	if [ "$(id -u)" != 0 ]; then
		say "$1: needs root ($2)"
		exit 77
	fi
}
