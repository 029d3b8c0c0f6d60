#!/bin/bash
# PID 1 of the guest after switch_root (read from the host over 9p).
# Runs /mnt/out/guest-cmd.sh (written by run.sh), stores its exit status in
# /mnt/out/rc and powers the VM off.  With acd.shell=1 on the kernel command
# line it starts an interactive shell on the console instead.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH HOME=/root TERM=${TERM:-linux} LANG=C.UTF-8
mount -t tmpfs -o mode=0755 run /run
mkdir -p /dev/pts /dev/shm /run/lock /run/netns /var/log
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs shm /dev/shm
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null
hostname acd-vm
ip link set lo up
read -r up _ < /proc/uptime
echo "acd-vm: stage 2 at guest uptime ${up}s, kernel $(uname -r)"

rc=0
if grep -qw 'acd.shell=1' /proc/cmdline; then
	# the kernel's console: ttyS0 on amd64, ttyAMA0 on the ARM guests
	con=$(awk '{print $NF}' /sys/class/tty/console/active 2>/dev/null)
	[ -c "/dev/${con:-none}" ] || con=ttyS0
	echo "acd-vm: interactive shell on $con (exit to power off)"
	setsid -c bash -i <"/dev/$con" >"/dev/$con" 2>&1
elif [ -f /mnt/out/guest-cmd.sh ]; then
	# through a pipe: the guest script's stdout is not a tty (as in CI)
	bash /mnt/out/guest-cmd.sh </dev/null 2>&1 | cat
	rc=${PIPESTATUS[0]}
else
	echo "acd-vm: no /mnt/out/guest-cmd.sh"; rc=125
fi
read -r up _ < /proc/uptime
echo "acd-vm: guest command exit status $rc at guest uptime ${up}s"
echo "$rc" > /mnt/out/rc
sync
# PID 1 must never exit (that is a panic): power off for real
/bin/busybox poweroff -f
sleep 30
